// SPDX-License-Identifier: Apache-2.0
// Compare two traces (/trace/a...b): structural diff of root-to-span service::operation paths with counts.
import { h, clear, url, navigate, fmtDuration, serviceColor, shortId, traceCache } from './util.js';
import { config } from './config.js';
import { api } from './api.js';
import { transformTrace, pathCounts } from './trace-model.js';
import { layeredLayout, renderGraph } from './graph.js';

export function renderCompare(main, q, pair) {
  const [a = '', b = ''] = pair.split('...');
  const inA = h('input', { type: 'text', id: 'compare-a', value: a, placeholder: 'Trace ID A', 'aria-label': 'Trace A' });
  const inB = h('input', { type: 'text', id: 'compare-b', value: b, placeholder: 'Trace ID B', 'aria-label': 'Trace B' });
  const out = h('div', { class: 'compare-body', id: 'compare-body' });
  main.appendChild(h('div', { class: 'compare-page' },
    h('form', { class: 'compare-form', onsubmit: (e) => {
      e.preventDefault();
      const x = inA.value.trim();
      const y = inB.value.trim();
      navigate(`trace/${x}...${y}?cohort=${x}&cohort=${y}`);
    } }, h('h1', null, 'Compare traces'), inA, h('span', null, 'vs'), inB,
    h('button', { class: 'btn btn-primary', type: 'submit', id: 'compare-submit' }, 'Compare'),
    config.traceDiff && config.traceDiff.helpLink ? h('a', { href: config.traceDiff.helpLink, target: '_blank', rel: 'noopener' }, 'Help') : null),
    out));
  if (!a || !b) {
    out.appendChild(h('div', { class: 'empty-state' }, h('p', null, 'Enter two trace IDs, or select two traces in the search results and press "Compare Traces".')));
    return null;
  }
  out.appendChild(h('div', { class: 'loading' }, 'Loading traces…'));
  (async () => {
    try {
      const need = [a, b].filter((id) => !traceCache.has(id));
      const body = need.length ? await api.searchTraces({ traceID: need }) : { data: [], errors: null };
      const byId = new Map((body.data || []).map((t) => [t.traceID, t]));
      const find = (id) => traceCache.get(id) || byId.get(id) || [...byId.values()].find((t) => t.traceID.endsWith(id.replace(/^0+/, '')));
      const ta = find(a);
      const tb = find(b);
      clear(out);
      if (!ta || !tb) {
        out.appendChild(h('div', { class: 'error-box', role: 'alert', id: 'compare-error' },
          `Trace not found: ${[!ta ? a : null, !tb ? b : null].filter(Boolean).join(', ')}`));
        return;
      }
      out.appendChild(diffView(transformTrace(ta), transformTrace(tb)));
    } catch (e) {
      clear(out).appendChild(h('div', { class: 'error-box', role: 'alert', id: 'compare-error' }, `Could not load the traces: ${e.message}`));
    }
  })();
  return null;
}

function diffView(A, B) {
  const ca = pathCounts(A);
  const cb = pathCounts(B);
  const all = [...new Set([...ca.keys(), ...cb.keys()])].sort();
  let onlyA = 0, onlyB = 0, changed = 0, same = 0;
  const kinds = new Map();
  const rows = all.map((p) => {
    const x = ca.get(p) || 0;
    const y = cb.get(p) || 0;
    const kind = !y ? 'only-a' : !x ? 'only-b' : x !== y ? 'changed' : 'same';
    if (kind === 'only-a') onlyA++;
    else if (kind === 'only-b') onlyB++;
    else if (kind === 'changed') changed++;
    else same++;
    kinds.set(p, kind);
    const segs = p.split('\n');
    const [svc, op] = segs[segs.length - 1].split('::');
    return h('tr', { class: `diff-row diff-${kind}`, dataset: { path: p } },
      h('td', { class: 'diff-path', style: { paddingLeft: `${8 + (segs.length - 1) * 16}px` } },
        h('span', { class: 'svc-dot', style: { background: serviceColor(svc) } }), h('strong', null, svc), ' ', op),
      h('td', { class: 'num' }, String(x)), h('td', { class: 'num' }, String(y)),
      h('td', { class: 'num diff-delta' }, y - x > 0 ? `+${y - x}` : String(y - x)));
  });
  // Order rows as a tree: sort paths so children follow their parents.
  const head = (t, label) => h('div', { class: `compare-card compare-${label}` },
    h('h2', null, `${label.toUpperCase()}: `, h('a', { href: url(`trace/${t.traceID}`) }, t.traceName), ' ', h('small', null, shortId(t.traceID))),
    h('p', null, `${t.spans.length} spans · ${fmtDuration(t.duration)} · ${t.services.length} services`));
  return h('div', null,
    h('div', { class: 'compare-cards' }, head(A, 'a'), head(B, 'b')),
    h('p', { class: 'diff-summary', id: 'diff-summary' },
      h('span', { class: 'legend diff-only-a' }, `${onlyA} only in A`), h('span', { class: 'legend diff-only-b' }, `${onlyB} only in B`),
      h('span', { class: 'legend diff-changed' }, `${changed} with different counts`), h('span', { class: 'legend diff-same' }, `${same} identical`)),
    diffGraph(all, ca, cb, kinds),
    h('table', { class: 'diff-table', id: 'diff-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Service :: operation path'), h('th', { scope: 'col' }, 'A'), h('th', { scope: 'col' }, 'B'), h('th', { scope: 'col' }, 'B − A'))),
      h('tbody', null, rows)));
}

/**
 * The diff as a graph: one node per root-to-span path (service and operation of its last span, counts in A and B),
 * an edge from each path to its extensions; nodes only in A, only in B or with different counts are coloured.
 */
function diffGraph(all, ca, cb, kinds) {
  const label = { 'only-a': 'removed (only in A)', 'only-b': 'added (only in B)', changed: 'changed count', same: 'same' };
  const nodes = all.map((p) => {
    const segs = p.split('\n');
    const [svc, op] = segs[segs.length - 1].split('::');
    const kind = kinds.get(p);
    return { id: p, lines: [svc, op, `A ${ca.get(p) || 0} · B ${cb.get(p) || 0}`], color: serviceColor(svc),
      cls: `diff-node diff-node-${kind}`, title: `${segs.join(' → ')}\n${label[kind]}` };
  });
  const edges = [];
  for (const p of all) {
    const i = p.lastIndexOf('\n');
    if (i > 0 && kinds.has(p.slice(0, i))) edges.push({ from: p.slice(0, i), to: p });
  }
  return h('div', { class: 'diff-graph', id: 'diff-graph' }, renderGraph(layeredLayout(nodes, edges, { nodeHeight: 60 }), { label: 'Trace comparison graph' }));
}
