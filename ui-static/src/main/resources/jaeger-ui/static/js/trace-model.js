// SPDX-License-Identifier: Apache-2.0
// Turns the /api trace JSON into a model the pages use: span tree, depth-first order, per-service counts.
// Computed once per trace; everything here is linear (or n log n) in the number of spans.

/** True when the span carries an error tag (bool true or string "true"). */
export function isErrorSpan(span) {
  for (const t of span.tags || []) if (t.key === 'error' && (t.value === true || t.value === 'true')) return true;
  return false;
}

/**
 * Builds the trace model. Input: one element of /api/traces data. Output: {traceID, spans (depth-first order),
 * spanMap, roots, startTime, endTime, duration, services [{name, count}], depth, traceName, errors, raw}.
 */
export function transformTrace(raw) {
  const processes = raw.processes || {};
  const seen = new Map();
  const spans = [];
  for (const s of raw.spans || []) {
    if (!s.startTime) continue;
    let id = s.spanID;
    const n = seen.get(id) || 0;
    seen.set(id, n + 1);
    if (n > 0) id = `${id}_${n}`;
    const process = processes[s.processID] || s.process || { serviceName: 'unknown', tags: [] };
    // One fixed object shape for every span keeps property access fast on big traces.
    spans.push({
      traceID: s.traceID,
      spanID: id,
      flags: s.flags || 0,
      operationName: s.operationName,
      references: s.references || [],
      startTime: s.startTime,
      duration: s.duration || 0,
      tags: s.tags || [],
      logs: s.logs || [],
      processID: s.processID,
      warnings: s.warnings || [],
      process,
      serviceName: process.serviceName,
      children: [],
      parent: null,
      depth: 0,
      hasError: false,
      relativeStart: 0,
    });
  }
  const spanMap = new Map();
  for (const s of spans) spanMap.set(s.spanID, s);
  const roots = [];
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    s.hasError = isErrorSpan(s);
    if (s.startTime < start) start = s.startTime;
    if (s.startTime + s.duration > end) end = s.startTime + s.duration;
    const ref = s.references[0];
    const parent = ref && ref.traceID === s.traceID ? spanMap.get(ref.spanID) : ref ? spanMap.get(ref.spanID) : null;
    if (parent && parent !== s) {
      s.parent = parent;
      parent.children.push(s);
    } else {
      roots.push(s);
    }
  }
  if (!spans.length) start = end = 0;
  const byStart = (a, b) => a.startTime - b.startTime || (a.spanID < b.spanID ? -1 : 1);
  roots.sort(byStart);
  // Iterative depth-first walk (traces can be deep; recursion could overflow).
  const ordered = [];
  const stack = roots.slice().reverse();
  const visited = new Set();
  let maxDepth = 0;
  while (stack.length) {
    const s = stack.pop();
    if (visited.has(s)) continue;
    visited.add(s);
    s.depth = s.parent ? s.parent.depth + 1 : 0;
    if (s.depth > maxDepth) maxDepth = s.depth;
    s.relativeStart = s.startTime - start;
    ordered.push(s);
    if (s.children.length > 1) s.children.sort(byStart);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
  }
  // Spans caught in a reference cycle are never reached from a root: show them as roots.
  for (const s of spans) {
    if (!visited.has(s)) {
      s.parent = null;
      s.depth = 0;
      s.relativeStart = s.startTime - start;
      ordered.push(s);
      visited.add(s);
    }
  }
  const svc = new Map();
  let errors = 0;
  for (const s of ordered) {
    svc.set(s.serviceName, (svc.get(s.serviceName) || 0) + 1);
    if (s.hasError) errors++;
  }
  const root = roots[0];
  return {
    traceID: raw.traceID || (spans[0] && spans[0].traceID) || '',
    spans: ordered,
    spanMap,
    roots,
    startTime: start,
    endTime: end,
    duration: end - start,
    services: [...svc.entries()].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    depth: spans.length ? maxDepth + 1 : 0,
    traceName: root ? `${root.serviceName}: ${root.operationName}` : '<trace-without-root-span>',
    errors,
    warnings: raw.warnings || [],
    raw,
  };
}

/**
 * Critical path: segments {spanID, start, end} (absolute µs). Walks back from the end of each span: the last
 * finishing child is on the path up to its end, the span itself covers the gaps (self time).
 */
export function criticalPath(trace) {
  const out = [];
  for (const root of trace.roots) {
    const stack = [[root, root.startTime + root.duration]];
    while (stack.length) {
      const [span, cutoff] = stack.pop();
      let cursor = Math.min(span.startTime + span.duration, cutoff);
      const kids = span.children
        .filter((c) => c.startTime < cursor)
        .sort((a, b) => b.startTime + b.duration - (a.startTime + a.duration));
      for (const c of kids) {
        const cEnd = Math.min(c.startTime + c.duration, cursor);
        if (cEnd <= span.startTime || c.startTime >= cursor) continue;
        if (cEnd < cursor) out.push({ spanID: span.spanID, start: cEnd, end: cursor });
        stack.push([c, cEnd]);
        cursor = Math.max(c.startTime, span.startTime);
      }
      if (cursor > span.startTime) out.push({ spanID: span.spanID, start: span.startTime, end: cursor });
    }
  }
  return out;
}

/** Self time of a span: its duration minus the union of its children's intervals clipped to it. */
export function selfTime(span) {
  const s0 = span.startTime;
  const e0 = s0 + span.duration;
  const iv = span.children
    .map((c) => [Math.max(c.startTime, s0), Math.min(c.startTime + c.duration, e0)])
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let cs = -Infinity;
  let ce = -Infinity;
  for (const [a, b] of iv) {
    if (a > ce) {
      if (ce > cs) covered += ce - cs;
      cs = a;
      ce = b;
    } else if (b > ce) ce = b;
  }
  if (ce > cs) covered += ce - cs;
  return Math.max(0, span.duration - covered);
}

/** Statistics rows grouped by a key function: count, total, avg, min, max, self total, error count. */
export function statistics(trace, keyFn) {
  const groups = new Map();
  for (const s of trace.spans) {
    const k = keyFn(s);
    let g = groups.get(k);
    if (!g) {
      g = { key: k, count: 0, total: 0, min: Infinity, max: 0, self: 0, errors: 0 };
      groups.set(k, g);
    }
    g.count++;
    g.total += s.duration;
    g.min = Math.min(g.min, s.duration);
    g.max = Math.max(g.max, s.duration);
    g.self += selfTime(s);
    if (s.hasError) g.errors++;
  }
  return [...groups.values()].map((g) => ({ ...g, avg: g.total / g.count }));
}

/** Trace graph: nodes = service+operation, edges = parent→child call counts. */
export function traceGraph(trace) {
  const nodes = new Map();
  const edges = new Map();
  const key = (s) => `${s.serviceName}\u0000${s.operationName}`;
  for (const s of trace.spans) {
    const k = key(s);
    let n = nodes.get(k);
    if (!n) {
      n = { id: k, service: s.serviceName, operation: s.operationName, count: 0, errors: 0, total: 0, self: 0 };
      nodes.set(k, n);
    }
    n.count++;
    n.total += s.duration;
    n.self += selfTime(s);
    if (s.hasError) n.errors++;
    if (s.parent) {
      const ek = `${key(s.parent)}\u0001${k}`;
      const e = edges.get(ek) || { from: key(s.parent), to: k, count: 0 };
      e.count++;
      edges.set(ek, e);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Counts of root-to-span paths of "service::operation" names, for the structural comparison of traces. */
export function pathCounts(trace) {
  const counts = new Map();
  const paths = new Map();
  for (const s of trace.spans) {
    const seg = `${s.serviceName}::${s.operationName}`;
    const p = s.parent ? `${paths.get(s.parent.spanID)}\n${seg}` : seg;
    paths.set(s.spanID, p);
    counts.set(p, (counts.get(p) || 0) + 1);
  }
  return counts;
}

/** Text searched by uiFind: IDs, service, operation, tag and process and log values. */
export function spanMatches(span, terms) {
  if (!terms.length) return false;
  const hay = [span.spanID, span.serviceName, span.operationName];
  for (const t of span.tags) hay.push(`${t.key}=${t.value}`);
  for (const t of span.process.tags || []) hay.push(`${t.key}=${t.value}`);
  for (const l of span.logs) for (const f of l.fields || []) hay.push(`${f.key}=${f.value}`);
  const text = hay.join(' ').toLowerCase();
  return terms.every((t) => text.includes(t));
}
