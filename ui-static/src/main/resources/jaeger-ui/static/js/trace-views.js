// SPDX-License-Identifier: Apache-2.0
// Trace page views besides the timeline: spans table, flamegraph, statistics with two levels of grouping.
// Peer-service naming for the timeline's arrows lives here too.
import { h, clear, fmtDuration, serviceColor } from './util.js';
import { selfTime, statistics } from './trace-model.js';

/** Tags naming the remote side of a call, most specific first (as the real UI's peer-service column uses them). */
const PEER_KEYS = ['peer.service', 'db.system', 'net.peer.name', 'server.address'];

/** The service a span calls out to, from its tags, or null. */
export function peerService(span) {
  for (const key of PEER_KEYS) {
    for (const t of span.tags) {
      if (t.key === key && t.value !== '' && t.value != null) return String(t.value);
    }
  }
  return null;
}

/** Rows drawn above and below the visible ones; the table keeps only those in the page (virtualised). */
const TABLE_OVERSCAN = 15;
/** Row height assumed until a drawn row has been measured. */
const TABLE_ROW_H = 25;

const TABLE_COLS = [
  ['service', 'Service', (s) => s.serviceName],
  ['operation', 'Operation', (s) => s.operationName],
  ['peer', 'Peer', (s) => peerService(s) || ''],
  ['start', 'Start', (s) => s.relativeStart],
  ['duration', 'Duration', (s) => s.duration],
  ['self', 'Self time', (s) => s.self],
  ['error', 'Error', (s) => (s.hasError ? 1 : 0)],
  ['spanID', 'Span ID', (s) => s.spanID],
];

/**
 * Spans table: one row per span, sortable by any column (click the header; again to reverse), filtered by a
 * text that must appear in the service, operation, peer or span ID. onOpen(spanID) shows the span in the timeline.
 * Filtering and sorting work on every span; only the rows in view (and a few around them) are in the page, with
 * spacer rows standing for the rest, so a 50,000-span trace keeps a few dozen rows in the DOM.
 */
export function spansTableView(trace, onOpen, initialFilter = '') {
  const rows = trace.spans.map((s) => ({ span: s, self: null }));
  const filter = h('input', { type: 'search', id: 'spans-filter', class: 'spans-filter', placeholder: 'Filter by service, operation, peer or span ID',
    'aria-label': 'Filter spans', value: initialFilter });
  const count = h('span', { class: 'muted', id: 'spans-count' });
  const wrap = h('div', { class: 'spans-table-wrap', id: 'spans-table-wrap' });
  let sortKey = 'start';
  let desc = false;
  let shown = [];
  let rowH = 0;
  let drawn = '';
  const value = (r, k) => {
    if (k === 'self') {
      if (r.self == null) r.self = selfTime(r.span);
      return r.self;
    }
    return TABLE_COLS.find((c) => c[0] === k)[2](r.span);
  };
  const cell = (r, k) => {
    const s = r.span;
    switch (k) {
      case 'service':
        return h('td', null, h('span', { class: 'svc-dot', style: { background: serviceColor(s.serviceName) } }), ' ', s.serviceName);
      case 'start':
      case 'duration':
      case 'self':
        return h('td', { class: 'num' }, fmtDuration(value(r, k)));
      case 'error':
        return h('td', null, s.hasError ? h('span', { class: 'icon-error', title: 'Error' }, '!') : '');
      case 'spanID':
        return h('td', null, h('a', { href: '#', class: 'span-open', onclick: (e) => { e.preventDefault(); onOpen(s.spanID); } }, h('code', null, s.spanID)));
      default:
        return h('td', null, value(r, k));
    }
  };
  const tbody = h('tbody');
  const spacer = (px) => h('tr', { class: 'spans-spacer', 'aria-hidden': 'true' },
    h('td', { colspan: TABLE_COLS.length, style: { height: `${px}px`, padding: 0, border: 0 } }));
  /** Puts the rows in view (plus the overscan) in the body, spacers above and below. */
  const drawBody = (force) => {
    const est = rowH || TABLE_ROW_H;
    const top = wrap.scrollTop;
    const height = wrap.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / est) - TABLE_OVERSCAN);
    const last = Math.min(shown.length, Math.ceil((top + height) / est) + TABLE_OVERSCAN);
    const key = `${first}:${last}`;
    if (!force && key === drawn) return;
    drawn = key;
    const frag = document.createDocumentFragment();
    if (first > 0) frag.appendChild(spacer(first * est));
    for (let i = first; i < last; i++) {
      const r = shown[i];
      frag.appendChild(h('tr', { class: r.span.hasError ? 'error-row' : null, dataset: { spanId: r.span.spanID, index: i } },
        TABLE_COLS.map(([k]) => cell(r, k))));
    }
    if (last < shown.length) frag.appendChild(spacer((shown.length - last) * est));
    clear(tbody).appendChild(frag);
    if (!rowH && last > first) {
      const measured = tbody.querySelector('tr[data-span-id]').getBoundingClientRect().height;
      if (measured > 0) {
        rowH = measured;
        if (Math.abs(measured - est) > 0.5) drawBody(true);
      }
    }
  };
  const thead = h('thead');
  const drawHead = () => clear(thead).appendChild(h('tr', null, TABLE_COLS.map(([k, l]) => h('th', { scope: 'col', dataset: { col: k },
    'aria-sort': k === sortKey ? (desc ? 'descending' : 'ascending') : null },
  h('button', { type: 'button', class: 'th-btn', onclick: () => { desc = k === sortKey ? !desc : k !== 'start' && k !== 'service' && k !== 'operation' && k !== 'spanID'; sortKey = k; draw(); } },
    l, k === sortKey ? (desc ? ' ▾' : ' ▴') : '')))));
  const draw = () => {
    const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    shown = terms.length
      ? rows.filter((r) => {
        const text = `${r.span.serviceName} ${r.span.operationName} ${peerService(r.span) || ''} ${r.span.spanID}`.toLowerCase();
        return terms.every((t) => text.includes(t));
      })
      : rows.slice();
    // One key per row, read once, so sorting 50,000 rows compares plain values.
    const keyed = shown.map((r) => [value(r, sortKey), r]);
    keyed.sort((a, b) => {
      const v = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      return desc ? -v : v;
    });
    shown = keyed.map((p) => p[1]);
    count.textContent = `${shown.length} of ${rows.length} spans`;
    drawHead();
    wrap.scrollTop = 0;
    drawBody(true);
  };
  wrap.appendChild(h('table', { class: 'spans-table', id: 'spans-table', dataset: { rows: 'virtual' } }, thead, tbody));
  let frame = 0;
  wrap.addEventListener('scroll', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      drawBody(false);
    });
  });
  let pending = 0;
  filter.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(draw, trace.spans.length > 5000 ? 150 : 0);
  });
  draw();
  // Attached to the page after this returns: draw again once the real height of the scroll box is known.
  requestAnimationFrame(() => drawBody(true));
  return h('div', { class: 'trace-spans', id: 'trace-spans' }, h('div', { class: 'spans-toolbar' }, filter, count), wrap);
}

const FLAME_ROW = 20;
// Most boxes drawn at once: deeper levels beyond it show after zooming into a box.
const FLAME_MAX_NODES = 5000;

/**
 * Flamegraph: each span a box under its parent, x = time, y = depth. Click a box to zoom to it, the root (or
 * "Reset") to zoom out. Boxes narrower than half a pixel at the current zoom are not drawn.
 */
export function flamegraphView(trace) {
  const wrap = h('div', { class: 'flamegraph', id: 'flamegraph' });
  const info = h('div', { class: 'flame-info muted', id: 'flame-info' });
  const reset = h('button', { type: 'button', class: 'btn btn-small', id: 'flame-reset', onclick: () => zoom(null) }, 'Reset zoom');
  let focus = null;
  const W = 1000;
  function zoom(span) {
    focus = span;
    draw();
  }
  function draw() {
    const t0 = focus ? focus.relativeStart : 0;
    const dur = (focus ? focus.duration : trace.duration) || 1;
    const minDepth = focus ? focus.depth : 0;
    const scale = W / dur;
    let nodes = [];
    let maxDepth = 0;
    for (const s of trace.spans) {
      if (s.depth < minDepth) continue;
      const x0 = (s.relativeStart - t0) * scale;
      const w = s.duration * scale;
      if (x0 + w < 0 || x0 > W || w < 0.5) continue;
      if (focus && !isWithin(s, focus)) continue;
      const d = s.depth - minDepth;
      if (d > maxDepth) maxDepth = d;
      nodes.push([s, Math.max(x0, 0), Math.min(x0 + w, W) - Math.max(x0, 0), d]);
    }
    // Keep whole levels, shallowest first, up to FLAME_MAX_NODES boxes.
    const perDepth = new Array(maxDepth + 1).fill(0);
    for (const nd of nodes) perDepth[nd[3]]++;
    let keepDepth = maxDepth;
    let sum = 0;
    for (let d = 0; d <= maxDepth; d++) {
      sum += perDepth[d];
      if (sum > FLAME_MAX_NODES && d > 0) {
        keepDepth = d - 1;
        break;
      }
    }
    if (keepDepth < maxDepth) {
      nodes = nodes.filter((nd) => nd[3] <= keepDepth);
      maxDepth = keepDepth;
      info.textContent = `Showing ${keepDepth + 1} levels (${nodes.length} boxes); click a box to see the levels below it.`;
    }
    wrap.dataset.levels = String(maxDepth + 1);
    const H = (maxDepth + 1) * FLAME_ROW;
    const svg = h('svg', { class: 'flame-svg', viewBox: `0 0 ${W} ${H}`, width: '100%', height: H, preserveAspectRatio: 'none', role: 'img',
      'aria-label': 'Flamegraph' });
    for (const [s, x, w, d] of nodes) {
      const label = `${s.serviceName}: ${s.operationName}`;
      const g = h('g', { class: `flame-node${s.hasError ? ' error' : ''}`, dataset: { spanId: s.spanID }, onclick: () => zoom(s === focus ? null : s),
        onmouseenter: () => { info.textContent = `${label} · ${fmtDuration(s.duration)} · self ${fmtDuration(selfTime(s))}`; } },
      h('rect', { x, y: d * FLAME_ROW, width: Math.max(w - 0.5, 0.5), height: FLAME_ROW - 2, fill: serviceColor(s.serviceName) }),
      h('title', null, `${label}\n${fmtDuration(s.duration)}`));
      // Text only where it fits (about 6.5 units per character in the 1000-unit wide box).
      if (w > 40) g.appendChild(h('text', { x: x + 3, y: d * FLAME_ROW + 13, class: 'flame-label' }, label.slice(0, Math.floor((w - 6) / 6.5))));
      svg.appendChild(g);
    }
    clear(wrap).appendChild(svg);
    wrap.dataset.nodes = String(nodes.length);
    reset.disabled = !focus;
  }
  draw();
  return h('div', { class: 'trace-flame' }, h('div', { class: 'spans-toolbar' }, reset, info), wrap);
}

function isWithin(s, ancestor) {
  for (let p = s; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** Grouping keys of the statistics view; "tag:<key>" groups by a span tag's value. */
function groupFn(key) {
  if (key === 'service') return (s) => s.serviceName;
  if (key === 'operation') return (s) => s.operationName;
  if (key === 'peer') return (s) => peerService(s) || '(none)';
  if (key.startsWith('tag:')) {
    const tag = key.slice(4);
    return (s) => {
      const t = s.tags.find((x) => x.key === tag);
      return t ? String(t.value) : '(no tag)';
    };
  }
  return null;
}

/**
 * Statistics: spans grouped by a first key and optionally a second one (service, operation, peer or any tag key),
 * with count, total, average, min, max, self time and its share of the trace's self time, and errors.
 */
export function statisticsView(trace, initial = {}) {
  const tagKeys = [...new Set(trace.spans.flatMap((s) => s.tags.map((t) => t.key)))].sort();
  const options = (withNone) => [
    withNone ? h('option', { value: '' }, 'No second group') : null,
    h('option', { value: 'service' }, 'Service Name'), h('option', { value: 'operation' }, 'Operation Name'),
    h('option', { value: 'peer' }, 'Peer Service'),
    h('optgroup', { label: 'Tag' }, tagKeys.map((k) => h('option', { value: `tag:${k}` }, k)))];
  const groupSel = h('select', { id: 'stats-group', 'aria-label': 'Group by' }, options(false));
  const subSel = h('select', { id: 'stats-subgroup', 'aria-label': 'Then group by' }, options(true));
  groupSel.value = initial.group || 'service';
  subSel.value = initial.sub || '';
  const table = h('div');
  let sortKey = 'total';
  let desc = true;
  const cols = [['key', 'Name'], ['count', 'Count'], ['total', 'Total'], ['avg', 'Avg'], ['min', 'Min'], ['max', 'Max'],
    ['self', 'Self total'], ['pct', '% of self time'], ['errors', 'Errors']];
  const fmt = (k, v) => (['total', 'avg', 'min', 'max', 'self'].includes(k) ? fmtDuration(v) : k === 'pct' ? `${v.toFixed(2)}%` : String(v));
  const order = (rows) => rows.sort((a, b) => {
    const v = a[sortKey] < b[sortKey] ? -1 : a[sortKey] > b[sortKey] ? 1 : 0;
    return desc ? -v : v;
  });
  const draw = () => {
    const first = groupFn(groupSel.value);
    const second = subSel.value && subSel.value !== groupSel.value ? groupFn(subSel.value) : null;
    let selfSum = 0;
    for (const s of trace.spans) selfSum += selfTime(s);
    selfSum = selfSum || 1;
    const withPct = (r) => ({ ...r, pct: (r.self / selfSum) * 100 });
    const top = order(statistics(trace, first).map(withPct));
    const body = [];
    for (const r of top) {
      body.push(h('tr', { class: second ? 'stats-group-row' : null, dataset: { key: r.key } },
        cols.map(([k]) => h(k === 'key' ? 'th' : 'td', k === 'key' ? { scope: 'row' } : null, fmt(k, r[k])))));
      if (!second) continue;
      const members = { spans: trace.spans.filter((s) => first(s) === r.key) };
      for (const c of order(statistics(members, second).map(withPct))) {
        body.push(h('tr', { class: 'stats-sub-row', dataset: { parent: r.key, key: c.key } },
          cols.map(([k]) => h(k === 'key' ? 'th' : 'td', k === 'key' ? { scope: 'row', class: 'stats-sub-key' } : null, fmt(k, c[k])))));
      }
    }
    clear(table).appendChild(h('table', { class: 'stats-table', id: 'stats-table' },
      h('thead', null, h('tr', null, cols.map(([k, l]) => h('th', { scope: 'col', 'aria-sort': k === sortKey ? (desc ? 'descending' : 'ascending') : null },
        h('button', { type: 'button', class: 'th-btn', onclick: () => { desc = k === sortKey ? !desc : true; sortKey = k; draw(); } }, l))))),
      h('tbody', null, body)));
  };
  groupSel.addEventListener('change', draw);
  subSel.addEventListener('change', draw);
  draw();
  return h('div', { class: 'trace-stats' }, h('label', { class: 'inline' }, 'Group by ', groupSel), ' ',
    h('label', { class: 'inline' }, 'then by ', subSel), table);
}
