// SPDX-License-Identifier: Apache-2.0
// Trace page: header, minimap, virtualized timeline with span tree, span detail, alternate views.
import { h, clear, url, fmtDuration, fmtDateTime, serviceColor, download, traceCache, isEmbedded, tagText,
  shortId } from './util.js';
import { config, archiveAvailable, linksFor } from './config.js';
import { api } from './api.js';
import { transformTrace, criticalPath, traceGraph, spanMatches } from './trace-model.js';
import { peerService, spansTableView, flamegraphView, statisticsView } from './trace-views.js';
import { layeredLayout, renderGraph } from './graph.js';

const ROW_H = 26;
const OVERSCAN = 12;
// Traces with more spans open with their first page (the top of the timeline) while the rest loads.
const FIRST_PAGE = 2000;
// Height of the span detail when it opens inline under its row.
const INLINE_H = 320;

function mark(name) {
  try {
    performance.mark(`jaegerj:${name}`);
  } catch (e) {
    /* marks are optional */
  }
}

export function renderTrace(main, q, id) {
  const timing = { id, t0: performance.now() };
  window.__jaegerjTraceTiming = timing;
  mark('trace-start');
  const box = h('div', { class: 'trace-page', id: 'trace-page' }, h('div', { class: 'loading', id: 'trace-loading' }, `Loading trace ${id}…`));
  main.appendChild(box);
  let disposed = false;
  let dispose = null;
  (async () => {
    let raw;
    let page = null;
    try {
      raw = traceCache.get(id);
      if (!raw) {
        page = await api.tracePage(id, 0, FIRST_PAGE);
        raw = page && page.data && page.data[0];
        if (page && page.total <= FIRST_PAGE) page = null;
      }
      if (!raw) throw Object.assign(new Error('trace not found'), { status: 404 });
    } catch (e) {
      if (disposed) return;
      clear(box).appendChild(
        h('div', { class: 'error-box trace-error', id: 'trace-error', role: 'alert' },
          h('h2', null, e.status === 404 ? 'Trace not found' : 'Could not load the trace'),
          h('p', null, e.status === 404 ? `No trace with ID ${id} exists in storage.` : '', ' ', h('span', { class: 'error-detail' }, `Server said: ${e.message}`)),
          h('a', { href: url('search') }, 'Back to search'))
      );
      return;
    }
    if (disposed) return;
    timing.fetched = performance.now();
    mark('trace-fetched');
    const trace = transformTrace(raw);
    if (page) withSummary(trace, page);
    timing.transformed = performance.now();
    if (!page) timing.spans = trace.spans.length;
    mark('trace-transformed');
    dispose = showTrace(box, trace, q, timing, page ? page.total : 0);
    if (!page) return;
    // The first page is on screen; now the whole trace, then the same page again with every span.
    let full;
    try {
      full = await api.trace(id);
    } catch (e) {
      if (disposed) return;
      const note = document.getElementById('trace-partial');
      if (note) note.textContent = `Showing the first ${trace.spans.length} spans only: loading the rest failed (${e.message}).`;
      return;
    }
    if (disposed || !full) return;
    timing.fullFetched = performance.now();
    const whole = transformTrace(full);
    timing.spans = whole.spans.length;
    const vp = document.getElementById('tl-viewport');
    const top = vp ? vp.scrollTop : 0;
    dispose();
    dispose = showTrace(box, whole, new URLSearchParams(location.search), timing, 0);
    const vp2 = document.getElementById('tl-viewport');
    if (vp2) vp2.scrollTop = top;
  })();
  return () => {
    disposed = true;
    if (dispose) dispose();
  };
}

/** Gives the model of a first page the whole trace's time range, depth and counts. */
function withSummary(trace, page) {
  const sum = page.summary || {};
  if (sum.startTime) {
    trace.startTime = sum.startTime;
    trace.endTime = sum.endTime;
    trace.duration = sum.endTime - sum.startTime;
    for (const s of trace.spans) s.relativeStart = s.startTime - sum.startTime;
  }
  trace.totalSpans = page.total;
  trace.totalServices = sum.services;
  trace.depth = sum.depth || trace.depth;
}

function showTrace(box, trace, q, timing, partialTotal) {
  const embedded = isEmbedded(q);
  const st = {
    view: q.get('view') || 'timeline',
    collapsed: new Set(),
    selected: null,
    range: [0, 1],
    find: q.get('uiFind') || '',
    matches: new Set(),
    matchIdx: -1,
    focus: 0,
    headerCollapsed: q.get('uiTimelineCollapseTitle') === '1',
    critical: null,
    inline: q.get('detail') === 'inline',
  };
  const cleanups = [];
  let disposed = false;
  cleanups.push(() => { disposed = true; });
  // Until the first paint, the minimap (which draws every span) waits.
  let firstPaint = true;
  clear(box);
  document.title = `${trace.traceName} (${shortId(trace.traceID)}) - Jaeger UI`;

  // ---- Header ----
  const findInput = h('input', { type: 'search', id: 'trace-find', class: 'trace-find', placeholder: 'Find...', value: st.find, 'aria-label': 'Find in trace' });
  const findCount = h('span', { class: 'find-count', id: 'find-count' });
  const viewSel = h('select', { id: 'trace-view', 'aria-label': 'Trace view' },
    [['timeline', 'Trace Timeline'], ['graph', 'Trace Graph'], ['statistics', 'Trace Statistics'], ['table', 'Trace Spans Table'],
      ['flamegraph', 'Trace Flamegraph'], ['json', 'Trace JSON (in page)']]
      .filter(([v]) => v !== 'json' || !config.disableJsonView)
      .map(([v, l]) => h('option', { value: v, selected: st.view === v }, l)));
  const target = config.forbidNewPage ? undefined : '_blank';
  const archiveMsg = h('span', { class: 'archive-msg', id: 'archive-msg', role: 'status' });
  const actions = h('div', { class: 'trace-actions' },
    h('div', { class: 'find-box' }, findInput, findCount,
      h('button', { type: 'button', class: 'btn btn-small', title: 'Previous match', 'aria-label': 'Previous match', onclick: () => stepMatch(-1) }, '↑'),
      h('button', { type: 'button', class: 'btn btn-small', title: 'Next match', 'aria-label': 'Next match', onclick: () => stepMatch(1) }, '↓')),
    viewSel,
    h('button', { type: 'button', class: 'btn', id: 'shortcuts-help', title: 'Keyboard shortcuts (?)', 'aria-label': 'Keyboard shortcuts', onclick: showShortcuts }, '⌨'),
    config.disableJsonView ? null : h('a', { class: 'btn', id: 'link-json', href: url(`api/traces/${trace.traceID}?prettyPrint=true`), target }, 'Trace JSON'),
    config.disableJsonView ? null : h('a', { class: 'btn', id: 'link-json-raw', href: url(`api/traces/${trace.traceID}?raw=true&prettyPrint=true`), target }, 'Trace JSON (unadjusted)'),
    h('button', { type: 'button', class: 'btn', id: 'download-trace', onclick: () => download(`trace-${trace.traceID}.json`, JSON.stringify({ data: [trace.raw] }, null, 2)) }, 'Download'),
    archiveAvailable() && !embedded ? h('button', { type: 'button', class: 'btn', id: 'archive-trace', onclick: archive }, 'Archive Trace') : null,
    archiveMsg,
    embedded ? h('a', { class: 'btn', href: url(`trace/${trace.traceID}`), target: '_blank', title: 'Open in a new tab' }, '↗') : null);
  async function archive(e) {
    e.target.disabled = true;
    archiveMsg.textContent = 'Archiving…';
    try {
      await api.archive(trace.traceID);
      archiveMsg.textContent = 'Archived successfully.';
      archiveMsg.className = 'archive-msg ok';
    } catch (err) {
      archiveMsg.textContent = `Archive failed: ${err.message}`;
      archiveMsg.className = 'archive-msg fail';
      e.target.disabled = false;
    }
  }
  const traceCtx = {
    traceID: trace.traceID, startTime: trace.startTime, endTime: trace.endTime, duration: trace.duration, traceName: trace.traceName,
  };
  const traceLinks = linksFor('traces', null, { lookup: (f) => traceCtx[f.replace(/^trace\./, '')] });
  const summary = q.get('uiTimelineHideSummary') === '1' ? null : h('dl', { class: 'trace-summary', id: 'trace-summary' },
    h('div', null, h('dt', null, 'Trace Start'), h('dd', { id: 'summary-start' }, fmtDateTime(trace.startTime))),
    h('div', null, h('dt', null, 'Duration'), h('dd', { id: 'summary-duration' }, fmtDuration(trace.duration))),
    h('div', null, h('dt', null, 'Services'), h('dd', { id: 'summary-services' }, String(trace.totalServices || trace.services.length))),
    h('div', null, h('dt', null, 'Depth'), h('dd', { id: 'summary-depth' }, String(trace.depth))),
    h('div', null, h('dt', null, 'Total Spans'), h('dd', { id: 'summary-spans' }, String(trace.totalSpans || trace.spans.length))),
    trace.errors ? h('div', null, h('dt', null, 'Errors'), h('dd', { class: 'error-text' }, String(trace.errors))) : null);
  const minimapWrap = q.get('uiTimelineHideMinimap') === '1' ? null : h('div', { class: 'minimap', id: 'minimap' });
  const partialNote = partialTotal
    ? `Showing the first ${trace.spans.length.toLocaleString('en')} of ${partialTotal.toLocaleString('en')} spans; loading the rest…`
    : null;
  // Kept for tests and diagnostics: the note is gone from the page once the whole trace replaces the first page.
  if (partialNote) timing.partialNote = partialNote;
  const collapsible = h('div', { class: 'trace-header-body', hidden: st.headerCollapsed }, summary,
    partialNote ? h('p', { class: 'trace-partial', id: 'trace-partial', role: 'status' }, partialNote) : null,
    trace.warnings.length ? h('ul', { class: 'warnings' }, trace.warnings.map((w) => h('li', null, w))) : null,
    traceLinks.length ? h('div', { class: 'trace-links' }, traceLinks.map((l) => h('a', { href: l.url, target }, l.text))) : null,
    minimapWrap);
  const header = h('header', { class: 'trace-header' },
    h('div', { class: 'trace-title-row' },
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-expanded': String(!st.headerCollapsed), title: 'Collapse header',
        onclick: (e) => {
          st.headerCollapsed = !st.headerCollapsed;
          collapsible.hidden = st.headerCollapsed;
          e.currentTarget.setAttribute('aria-expanded', String(!st.headerCollapsed));
          layoutViewport();
        } }, '▾'),
      h('h1', { class: 'trace-title', id: 'trace-title' }, h('span', null, trace.traceName), ' ', h('small', { class: 'trace-id' }, shortId(trace.traceID, config.traceIdDisplayLength || 7))),
      actions),
    collapsible);
  box.appendChild(header);
  const viewBox = h('div', { class: 'trace-view' });
  box.appendChild(viewBox);

  // ---- Timeline ----
  const serviceOf = trace.spans;
  const index = new Map(serviceOf.map((s, i) => [s.spanID, i]));
  let visible = [];
  const recomputeVisible = () => {
    visible = [];
    const spans = trace.spans;
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i];
      visible.push(s);
      if (st.collapsed.has(s.spanID)) {
        // Skip the descendants: they directly follow in depth-first order with a greater depth.
        let j = i + 1;
        while (j < spans.length && spans[j].depth > s.depth) j++;
        i = j - 1;
      }
    }
  };
  // The critical path needs the whole tree: it is worked out after the first rows are on screen (see below).
  const computeCritical = () => {
    if (config.criticalPathEnabled === false) return;
    st.critical = new Map();
    for (const seg of criticalPath(trace)) {
      const list = st.critical.get(seg.spanID) || [];
      list.push(seg);
      st.critical.set(seg.spanID, list);
    }
  };
  const ruler = h('div', { class: 'tl-ruler', id: 'tl-ruler' });
  const spacer = h('div', { class: 'tl-spacer' });
  const viewport = h('div', { class: 'tl-viewport', id: 'tl-viewport', tabindex: 0, role: 'tree', 'aria-label': 'Spans' }, spacer);
  const detail = h('section', { class: `span-detail${st.inline ? ' inline' : ''}`, id: 'span-detail', hidden: true, 'aria-label': 'Span detail' });
  const timeline = h('div', { class: 'timeline', id: 'timeline' },
    h('div', { class: 'tl-head' },
      h('div', { class: 'tl-name-col tl-head-name' }, 'Service & Operation',
        h('span', { class: 'tl-tree-buttons' },
          h('button', { type: 'button', class: 'btn btn-small', id: 'expand-all', title: 'Expand all ([)', onclick: () => setCollapsed(new Set()) }, '⊞'),
          h('button', { type: 'button', class: 'btn btn-small', id: 'collapse-all', title: 'Collapse all (])', onclick: collapseAll }, '⊟'),
          h('button', { type: 'button', class: 'btn btn-small', id: 'expand-one', title: 'Expand one level (o)', onclick: expandOne }, '+1'),
          h('button', { type: 'button', class: 'btn btn-small', id: 'collapse-one', title: 'Collapse one level (p)', onclick: collapseOne }, '−1'),
          h('button', { type: 'button', class: 'btn btn-small', id: 'detail-mode', 'aria-pressed': String(st.inline),
            title: 'Open the span detail under its row instead of below the timeline', onclick: toggleInline }, 'Inline detail'))),
      ruler),
    viewport, detail);

  function collapseAll() {
    const c = new Set();
    for (const s of trace.spans) if (s.children.length) c.add(s.spanID);
    setCollapsed(c);
  }
  function expandOne() {
    // Expand the shallowest collapsed level.
    let min = Infinity;
    for (const id of st.collapsed) min = Math.min(min, trace.spanMap.get(id).depth);
    setCollapsed(new Set([...st.collapsed].filter((id) => trace.spanMap.get(id).depth !== min)));
  }
  function collapseOne() {
    // Collapse the deepest level that still shows children.
    recomputeVisible();
    let max = -1;
    for (const s of visible) if (s.children.length && !st.collapsed.has(s.spanID)) max = Math.max(max, s.depth);
    if (max < 0) return;
    const c = new Set(st.collapsed);
    for (const s of visible) if (s.children.length && s.depth === max) c.add(s.spanID);
    setCollapsed(c);
  }
  function setCollapsed(c) {
    st.collapsed = c;
    recomputeVisible();
    spacer.style.height = `${visible.length * ROW_H}px`;
    st.focus = Math.min(st.focus, visible.length - 1);
    drawRows(true);
  }

  const pct = (us) => {
    const [a, b] = st.range;
    const f = trace.duration ? us / trace.duration : 0;
    return ((f - a) / (b - a)) * 100;
  };
  function drawRuler() {
    clear(ruler);
    const [a, b] = st.range;
    for (let i = 0; i <= 4; i++) {
      const f = i / 4;
      const us = (a + (b - a) * f) * trace.duration;
      ruler.appendChild(h('span', { class: 'tick', style: { left: `${f * 100}%` } }, h('span', { class: 'tick-label' }, fmtDuration(us))));
    }
  }

  let lastRange = '';
  // Index in `visible` of the span whose detail is open inline, or -1.
  let inlineAt = -1;
  const rowTop = (i) => i * ROW_H + (inlineAt >= 0 && i > inlineAt ? INLINE_H : 0);
  const indexAt = (y) => (inlineAt >= 0 && y > (inlineAt + 1) * ROW_H
    ? Math.max(inlineAt + 1, Math.floor((y - INLINE_H) / ROW_H)) : Math.floor(y / ROW_H));
  function drawRows(force) {
    inlineAt = st.inline && st.selected ? visible.findIndex((s) => s.spanID === st.selected) : -1;
    spacer.style.height = `${visible.length * ROW_H + (inlineAt >= 0 ? INLINE_H : 0)}px`;
    const top = viewport.scrollTop;
    const height = viewport.clientHeight || 600;
    const first = Math.max(0, indexAt(top) - OVERSCAN);
    const last = Math.min(visible.length, indexAt(top + height) + 1 + OVERSCAN);
    const key = `${first}:${last}:${inlineAt}`;
    if (!force && key === lastRange) return;
    lastRange = key;
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) frag.appendChild(row(visible[i], i));
    while (spacer.firstChild) spacer.removeChild(spacer.firstChild);
    spacer.appendChild(frag);
    if (inlineAt >= 0) {
      detail.style.top = `${(inlineAt + 1) * ROW_H}px`;
      spacer.appendChild(detail);
    }
  }
  function toggleInline(e) {
    st.inline = !st.inline;
    e.currentTarget.setAttribute('aria-pressed', String(st.inline));
    detail.classList.toggle('inline', st.inline);
    if (!st.inline) timeline.appendChild(detail);
    const u = new URL(location.href);
    if (st.inline) u.searchParams.set('detail', 'inline');
    else u.searchParams.delete('detail');
    history.replaceState(null, '', u.pathname + u.search);
    lastRange = '';
    renderDetail();
    drawRows(true);
  }
  function row(s, i) {
    const collapsed = st.collapsed.has(s.spanID);
    const left = pct(s.relativeStart);
    const width = Math.max(pct(s.relativeStart + s.duration) - left, 0.15);
    const color = serviceColor(s.serviceName);
    const crit = st.critical && st.critical.get(s.spanID);
    const cls = ['tl-row'];
    if (st.selected === s.spanID) cls.push('selected');
    if (st.matches.has(s.spanID)) cls.push('match');
    if (st.focus === i) cls.push('focused');
    const ref0 = s.references[0];
    const peer = peerService(s);
    const side = labelSide(left, width);
    return h('div', { class: cls.join(' '), style: { top: `${rowTop(i)}px` }, role: 'treeitem', 'aria-level': s.depth + 1,
      'aria-expanded': s.children.length ? String(!collapsed) : null, 'aria-selected': String(st.selected === s.spanID),
      dataset: { spanId: s.spanID, index: i }, onclick: (e) => {
        if (e.target.closest('.tl-toggle')) return;
        st.focus = i;
        select(s.spanID === st.selected ? null : s.spanID);
      } },
    h('div', { class: 'tl-name-col tl-name', style: { paddingLeft: `${6 + Math.min(s.depth, 40) * 14}px` } },
      s.children.length
        ? h('button', { type: 'button', class: 'tl-toggle', tabindex: -1, 'aria-label': collapsed ? 'Expand' : 'Collapse',
          onclick: () => toggle(s.spanID) }, collapsed ? '▸' : '▾')
        : h('span', { class: 'tl-toggle-space' }),
      h('span', { class: 'svc-dot', style: { background: color } }),
      s.hasError ? h('span', { class: 'icon-error', title: 'Error' }, '!') : null,
      s.warnings.length ? h('span', { class: 'icon-warn', title: s.warnings.join('\n') }, '⚠') : null,
      ref0 && ref0.refType === 'FOLLOWS_FROM' ? h('span', { class: 'icon-ref', title: 'Follows from its parent' }, '↪') : null,
      s.references.length > 1 ? h('span', { class: 'icon-ref', title: `${s.references.length} references` }, '⧉') : null,
      h('span', { class: 'svc-name' }, s.serviceName), ' ',
      h('span', { class: 'op-name' }, s.operationName),
      peer ? h('span', { class: 'tl-peer', title: `${s.serviceName} calls ${peer}` }, `→ ${peer}`) : null,
      collapsed ? h('span', { class: 'badge badge-small' }, `+${countDescendants(s)}`) : null,
      side === 'outside' ? h('span', { class: 'tl-bar-label tl-name-label' }, fmtDuration(s.duration)) : null),
    h('div', { class: 'tl-bar-col' },
      h('div', { class: `tl-bar${s.hasError ? ' error' : ''}`, style: { left: `${left}%`, width: `${width}%`, background: color } },
        crit ? crit.map((seg) => h('span', { class: 'tl-critical', style: {
          left: `${((seg.start - s.startTime) / (s.duration || 1)) * 100}%`, width: `${((seg.end - seg.start) / (s.duration || 1)) * 100}%` } })) : null,
        s.logs.map((l) => h('span', { class: 'tl-log', style: { left: `${((l.timestamp - s.startTime) / (s.duration || 1)) * 100}%` } }))),
      side === 'outside' ? null : h('span', { class: 'tl-bar-label', style: labelStyle(left, width) }, fmtDuration(s.duration))));
  }
  function countDescendants(s) {
    const i = index.get(s.spanID);
    let j = i + 1;
    while (j < trace.spans.length && trace.spans[j].depth > s.depth) j++;
    return j - i - 1;
  }
  function toggle(id) {
    const c = new Set(st.collapsed);
    if (c.has(id)) c.delete(id);
    else c.add(id);
    setCollapsed(c);
  }
  function select(id) {
    st.selected = id;
    drawRows(true);
    renderDetail();
  }
  function scrollToIndex(i) {
    const top = i * ROW_H;
    if (top < viewport.scrollTop || top + ROW_H > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = Math.max(0, top - viewport.clientHeight / 3);
    }
  }
  function reveal(id) {
    // Expand collapsed ancestors, then scroll the span into view.
    let p = trace.spanMap.get(id);
    let changed = false;
    const c = new Set(st.collapsed);
    while (p && p.parent) {
      p = p.parent;
      if (c.delete(p.spanID)) changed = true;
    }
    if (changed) setCollapsed(c);
    const i = visible.findIndex((s) => s.spanID === id);
    if (i >= 0) {
      st.focus = i;
      scrollToIndex(i);
      drawRows(true);
    }
  }

  function renderDetail() {
    clear(detail);
    const s = st.selected && trace.spanMap.get(st.selected);
    detail.hidden = !s;
    layoutViewport();
    if (!s) return;
    const ctxFor = (items) => ({
      lookup: (f) => {
        if (f.startsWith('trace.')) return traceCtx[f.slice(6)];
        for (const list of [items, s.tags, s.process.tags || []]) {
          const kv = list.find((t) => t.key === f);
          if (kv) return kv.value;
        }
        return undefined;
      },
    });
    const kvTable = (items, type, cls) =>
      h('table', { class: `kv ${cls}` }, h('tbody', null, items.map((kv) => {
        const text = tagText(kv);
        let pretty = null;
        if (typeof kv.value === 'string' && /^\s*[[{]/.test(kv.value)) {
          try {
            pretty = JSON.stringify(JSON.parse(kv.value), null, 2);
          } catch (e) {
            pretty = null;
          }
        }
        const links = linksFor(type, kv.key, ctxFor(items));
        return h('tr', null, h('th', { scope: 'row' }, kv.key),
          h('td', null, pretty ? h('pre', { class: 'json-value' }, pretty) : text,
            links.map((l) => h('a', { class: 'kv-link', href: l.url, target: config.forbidNewPage ? undefined : '_blank', title: l.text }, ' ↗')),
            h('button', { type: 'button', class: 'btn btn-copy', title: 'Copy value', 'aria-label': 'Copy value', onclick: () => copy(text) }, 'copy')));
      })));
    const rel = s.startTime - trace.startTime;
    const link = url(`trace/${trace.traceID}?uiFind=${s.spanID}`);
    detail.appendChild(h('div', { class: 'detail-head' },
      h('h2', { class: 'detail-op', id: 'detail-operation' }, s.operationName),
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': 'Close detail', onclick: () => select(null) }, '✕')));
    detail.appendChild(h('dl', { class: 'detail-overview' },
      h('div', null, h('dt', null, 'Service'), h('dd', { id: 'detail-service' }, s.serviceName)),
      h('div', null, h('dt', null, 'Duration'), h('dd', null, fmtDuration(s.duration))),
      h('div', null, h('dt', null, 'Start Time'), h('dd', null, fmtDuration(rel))),
      h('div', null, h('dt', null, 'SpanID'), h('dd', null, h('a', { href: link, id: 'span-link', title: 'Link to this span' }, s.spanID),
        h('button', { type: 'button', class: 'btn btn-copy', title: 'Copy deep link', onclick: () => copy(new URL(link, location.href).href) }, 'copy link')))));
    const section = (title, id, count, content, open = true) =>
      h('details', { class: 'detail-section', id, open }, h('summary', null, `${title}${count != null ? ` (${count})` : ''}`), content);
    if (s.warnings.length) {
      detail.appendChild(section('Warnings', 'detail-warnings', s.warnings.length, h('ul', { class: 'warnings' }, s.warnings.map((w) => h('li', null, w)))));
    }
    detail.appendChild(section('Tags', 'detail-tags', s.tags.length, kvTable(orderTags(s.tags), 'tags', 'tags-table')));
    detail.appendChild(section('Process', 'detail-process', (s.process.tags || []).length, kvTable(s.process.tags || [], 'process', 'process-table'), false));
    if (s.logs.length) {
      detail.appendChild(section('Logs', 'detail-logs', s.logs.length, h('div', { class: 'logs' }, s.logs.map((l) =>
        h('details', { class: 'log-entry', open: s.logs.length <= 5 },
          h('summary', null, fmtDuration(l.timestamp - trace.startTime),
            h('span', { class: 'muted' }, ' ', (l.fields || []).map((f) => `${f.key}=${tagText(f)}`).join(' ').slice(0, 120))),
          kvTable(l.fields || [], 'logs', 'log-fields'))))));
    }
    if (s.references.length) {
      detail.appendChild(section('References', 'detail-references', s.references.length, h('ul', { class: 'refs' }, s.references.map((r) => {
        const local = r.traceID === trace.traceID && trace.spanMap.get(r.spanID);
        return h('li', null, h('span', { class: 'badge' }, r.refType), ' ',
          local
            ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); reveal(r.spanID); select(r.spanID); } },
              `${local.serviceName}: ${local.operationName}`, ' ', h('code', null, r.spanID))
            : h('a', { href: url(`trace/${r.traceID}?uiFind=${r.spanID}`) }, `span ${r.spanID} in trace ${shortId(r.traceID, 16)}`));
      }))));
    }
  }
  function copy(text) {
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
  }

  // ---- Find ----
  function applyFind(scroll) {
    const terms = st.find.toLowerCase().split(/\s+/).filter(Boolean);
    st.matches = new Set();
    if (terms.length) for (const s of trace.spans) if (spanMatches(s, terms)) st.matches.add(s.spanID);
    findCount.textContent = terms.length ? `${st.matches.size} match${st.matches.size === 1 ? '' : 'es'}` : '';
    st.matchIdx = -1;
    drawRows(true);
    if (scroll && st.matches.size) stepMatch(1);
  }
  function stepMatch(dir) {
    const ids = trace.spans.filter((s) => st.matches.has(s.spanID)).map((s) => s.spanID);
    if (!ids.length) return;
    st.matchIdx = (st.matchIdx + dir + ids.length) % ids.length;
    reveal(ids[st.matchIdx]);
  }
  findInput.addEventListener('input', () => {
    st.find = findInput.value;
    const u = new URL(location.href);
    if (st.find) u.searchParams.set('uiFind', st.find);
    else u.searchParams.delete('uiFind');
    history.replaceState(null, '', u.pathname + u.search);
    applyFind(true);
  });

  // ---- Minimap ----
  let canvas = null;
  const selBox = h('div', { class: 'minimap-sel' });
  function drawMinimap() {
    if (!minimapWrap) return;
    if (!canvas) {
      canvas = h('canvas', { class: 'minimap-canvas', height: 60, 'aria-label': 'Minimap; drag to zoom the timeline', role: 'img' });
      minimapWrap.append(canvas, selBox, h('button', { type: 'button', class: 'btn btn-small minimap-reset', id: 'minimap-reset', onclick: () => setRange([0, 1]) }, 'Reset zoom'));
      let dragFrom = null;
      const frac = (e) => Math.min(1, Math.max(0, (e.clientX - canvas.getBoundingClientRect().left) / canvas.clientWidth));
      canvas.addEventListener('mousedown', (e) => { dragFrom = frac(e); });
      window.addEventListener('mouseup', onUp);
      function onUp(e) {
        if (dragFrom == null) return;
        const to = frac(e);
        const [a, b] = dragFrom < to ? [dragFrom, to] : [to, dragFrom];
        dragFrom = null;
        if (b - a > 0.005) setRange([a, b]);
      }
      cleanups.push(() => window.removeEventListener('mouseup', onUp));
    }
    const w = minimapWrap.clientWidth || 800;
    canvas.width = w;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, 60);
    const n = trace.spans.length || 1;
    const rowH = Math.max(60 / n, 0.5);
    trace.spans.forEach((s, i) => {
      ctx.fillStyle = serviceColor(s.serviceName);
      const x = trace.duration ? (s.relativeStart / trace.duration) * w : 0;
      const ww = trace.duration ? Math.max((s.duration / trace.duration) * w, 1) : w;
      ctx.fillRect(x, (i / n) * 60, ww, Math.max(rowH, 1));
    });
    drawSel();
  }
  function drawSel() {
    const [a, b] = st.range;
    Object.assign(selBox.style, { left: `${a * 100}%`, width: `${(b - a) * 100}%`, display: a === 0 && b === 1 ? 'none' : 'block' });
  }
  function setRange(r) {
    st.range = r;
    drawSel();
    drawRuler();
    drawRows(true);
  }

  // ---- Keyboard ----
  function onKey(e) {
    if (st.view !== 'timeline') return;
    const tgt = e.target;
    const typing = tgt && (tgt.tagName === 'INPUT' || tgt.tagName === 'TEXTAREA' || tgt.tagName === 'SELECT');
    if (e.key === 'Escape') {
      if (tgt === findInput || st.find) {
        findInput.value = '';
        st.find = '';
        applyFind(false);
        viewport.focus();
      } else if (st.selected) select(null);
      return;
    }
    if ((e.ctrlKey && e.key === 'b') || (!typing && e.key === '/')) {
      e.preventDefault();
      findInput.focus();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') {
      e.preventDefault();
      showShortcuts();
      return;
    }
    const span = visible[st.focus];
    const [a, b] = st.range;
    const step = (b - a) * (e.shiftKey ? 0.25 : 0.05);
    const handled = {
      '[': () => setCollapsed(new Set()),
      ']': collapseAll,
      o: expandOne,
      p: collapseOne,
      w: () => { viewport.scrollTop -= ROW_H * 5; },
      s: () => { viewport.scrollTop += ROW_H * 5; },
      a: () => setRange([Math.max(0, a - step), Math.max(0, a - step) + (b - a)]),
      d: () => setRange([Math.min(1, b + step) - (b - a), Math.min(1, b + step)]),
      '=': () => setRange([a + step, b - step].map((v) => Math.min(1, Math.max(0, v)))),
      '-': () => setRange([Math.max(0, a - step), Math.min(1, b + step)]),
      f: () => moveFocus(1, true),
      b: () => moveFocus(-1, true),
      ArrowDown: () => moveFocus(1),
      ArrowUp: () => moveFocus(-1),
      ArrowRight: () => span && span.children.length && st.collapsed.has(span.spanID) && toggle(span.spanID),
      ArrowLeft: () => span && span.children.length && !st.collapsed.has(span.spanID) && toggle(span.spanID),
      Enter: () => span && select(span.spanID === st.selected ? null : span.spanID),
      ' ': () => span && select(span.spanID === st.selected ? null : span.spanID),
      Home: () => { st.focus = 0; scrollToIndex(0); drawRows(true); },
      End: () => { st.focus = visible.length - 1; scrollToIndex(st.focus); drawRows(true); },
    }[e.key];
    if (handled && (tgt === viewport || tgt === document.body || !tgt.closest('input,select,textarea,a,button,summary'))) {
      e.preventDefault();
      handled();
    }
  }
  function moveFocus(d, openDetail) {
    st.focus = Math.max(0, Math.min(visible.length - 1, st.focus + d));
    scrollToIndex(st.focus);
    if (openDetail && visible[st.focus]) select(visible[st.focus].spanID);
    else drawRows(true);
  }
  document.addEventListener('keydown', onKey);
  cleanups.push(() => document.removeEventListener('keydown', onKey));

  // ---- Layout & scrolling ----
  let raf = 0;
  viewport.addEventListener('scroll', () => {
    if (raf) return;
    raf = requestAnimationFrame(() => {
      raf = 0;
      drawRows(false);
    });
  });
  function layoutViewport() {
    const top = viewport.getBoundingClientRect().top;
    const avail = window.innerHeight - Math.max(top, 0) - 8;
    const detailH = detail.hidden || st.inline ? 0 : Math.min(Math.max(avail * 0.45, 200), 420);
    viewport.style.height = `${Math.max(avail - detailH, 160)}px`;
    detail.style.maxHeight = st.inline ? `${INLINE_H}px` : `${detailH}px`;
    drawRows(false);
  }
  const onResize = () => {
    layoutViewport();
    drawMinimap();
    drawRows(true);
  };
  window.addEventListener('resize', onResize);
  cleanups.push(() => window.removeEventListener('resize', onResize));

  // ---- Views ----
  function showView() {
    clear(viewBox);
    if (st.view === 'graph') viewBox.appendChild(graphView(trace));
    else if (st.view === 'statistics') viewBox.appendChild(statisticsView(trace, { group: q.get('groupBy') || undefined, sub: q.get('subGroupBy') || undefined }));
    else if (st.view === 'table') viewBox.appendChild(spansTableView(trace, openInTimeline, q.get('spansFilter') || ''));
    else if (st.view === 'flamegraph') viewBox.appendChild(flamegraphView(trace));
    else if (st.view === 'json') viewBox.appendChild(h('pre', { class: 'json-view', id: 'trace-json' }, JSON.stringify(trace.raw, null, 2)));
    else {
      viewBox.appendChild(timeline);
      recomputeVisible();
      spacer.style.height = `${visible.length * ROW_H}px`;
      drawRuler();
      layoutViewport();
      if (!firstPaint) drawMinimap();
      drawRows(true);
    }
  }
  function openInTimeline(spanID) {
    viewSel.value = 'timeline';
    viewSel.dispatchEvent(new Event('change'));
    reveal(spanID);
    select(spanID);
  }
  viewSel.addEventListener('change', () => {
    st.view = viewSel.value;
    const u = new URL(location.href);
    if (st.view === 'timeline') u.searchParams.delete('view');
    else u.searchParams.set('view', st.view);
    history.replaceState(null, '', u.pathname + u.search);
    showView();
  });

  showView();
  if (timing.rendered == null) {
    timing.rendered = performance.now();
    mark('trace-rendered');
  }
  timeline.dataset.rows = String(trace.spans.length);
  requestAnimationFrame(() => {
    const now = performance.now();
    if (timing.painted == null) {
      timing.painted = now;
      mark('trace-painted');
    }
    // First paint is done: now the critical path and the minimap, which look at every span.
    setTimeout(() => {
      if (disposed) return;
      firstPaint = false;
      computeCritical();
      if (st.view === 'timeline') {
        drawMinimap();
        drawRows(true);
      }
      box.dataset.ready = 'true';
      if (!partialTotal) {
        timing.completed = performance.now();
        box.dataset.complete = 'true';
      }
    }, 0);
  });
  if (st.find) {
    applyFind(false);
    const exact = trace.spanMap.get(st.find);
    if (exact) {
      reveal(exact.spanID);
      select(exact.spanID);
    } else if (st.matches.size) stepMatch(1);
  }
  return () => cleanups.forEach((f) => f());
}

// Tags whose key starts with one of config.topTagPrefixes come first, in prefix order.
function orderTags(tags) {
  const prefixes = Array.isArray(config.topTagPrefixes) ? config.topTagPrefixes : [];
  if (!prefixes.length) return tags;
  const rank = (t) => {
    const i = prefixes.findIndex((p) => t.key.startsWith(p));
    return i < 0 ? prefixes.length : i;
  };
  return tags.map((t, i) => [t, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([t]) => t);
}

const SHORTCUTS = [
  ['↑ / ↓', 'Move between spans'], ['Enter / Space', 'Open or close the span detail'], ['← / →', 'Collapse / expand the span'],
  ['f / b', 'Next / previous span with its detail'], ['w / s', 'Scroll up / down'], ['a / d', 'Pan left / right (Shift: more)'],
  ['= / -', 'Zoom in / out (Shift: more)'], ['[ / ]', 'Expand all / collapse all'], ['o / p', 'Expand / collapse one level'],
  ['/ or Ctrl+b', 'Find in the trace'], ['Esc', 'Clear the search, close the detail'], ['?', 'This help'],
];

function showShortcuts() {
  let dlg = document.getElementById('shortcuts-dialog');
  if (!dlg) {
    dlg = h('dialog', { id: 'shortcuts-dialog', class: 'shortcuts', 'aria-label': 'Keyboard shortcuts' },
      h('h2', null, 'Keyboard shortcuts'),
      h('table', { class: 'kv' }, h('tbody', null, SHORTCUTS.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, h('kbd', null, k)), h('td', null, v))))),
      h('form', { method: 'dialog' }, h('button', { class: 'btn', type: 'submit' }, 'Close')));
    document.body.appendChild(dlg);
  }
  if (!dlg.open) dlg.showModal();
}

// Duration label beside the bar where there is room; a bar spanning (nearly) the whole row gets its label at the
// end of the name column, so the label never covers the bar, its critical-path line or its log marks.
function labelSide(left, width) {
  if (left + width <= 82) return 'right';
  if (left >= 18) return 'left';
  return 'outside';
}

function labelStyle(left, width) {
  const side = labelSide(left, width);
  if (side === 'right') return { left: `${left + width + 0.5}%` };
  if (side === 'left') return { right: `${100 - left + 0.5}%` };
  return null;
}

function graphView(trace) {
  const g = traceGraph(trace);
  const layout = layeredLayout(
    g.nodes.map((n) => ({
      id: n.id,
      lines: [n.service, n.operation, `${n.count}× · total ${fmtDuration(n.total)} · self ${fmtDuration(n.self)}${n.errors ? ` · ${n.errors} err` : ''}`],
      color: serviceColor(n.service),
      cls: n.errors ? 'node-error' : '',
      title: `${n.service} ${n.operation}`,
    })),
    g.edges.map((e) => ({ from: e.from, to: e.to, label: e.count > 1 ? `${e.count}` : null })),
    { nodeHeight: 60 }
  );
  return h('div', { class: 'trace-graph', id: 'trace-graph' }, renderGraph(layout, { label: 'Trace graph' }));
}
