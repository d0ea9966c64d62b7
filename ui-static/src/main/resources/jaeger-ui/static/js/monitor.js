// SPDX-License-Identifier: Apache-2.0
// Monitor (SPM): RED charts from /api/metrics/*, operations table, links to the matching trace search, empty state
// when the server answers 501 (no metrics store).
import { h, clear, url, fmtDuration } from './util.js';
import { config } from './config.js';
import { api } from './api.js';

const KINDS = ['server', 'client', 'internal', 'producer', 'consumer'];
const FRAMES = [['5m', 'Last 5 minutes', 5 * 60e3], ['15m', 'Last 15 minutes', 15 * 60e3], ['30m', 'Last 30 minutes', 30 * 60e3],
  ['1h', 'Last Hour', 3600e3], ['2h', 'Last 2 hours', 7200e3], ['6h', 'Last 6 hours', 6 * 3600e3],
  ['12h', 'Last 12 hours', 12 * 3600e3], ['24h', 'Last 24 hours', 24 * 3600e3], ['2d', 'Last 2 days', 48 * 3600e3]];

export function renderMonitor(main, q) {
  const svcSel = h('select', { id: 'monitor-service', 'aria-label': 'Service' });
  const kindSel = h('select', { id: 'monitor-kind', 'aria-label': 'Span kind' }, KINDS.map((k) => h('option', { value: k, selected: k === (q.get('spanKind') || 'server') }, k)));
  const frameSel = h('select', { id: 'monitor-frame', 'aria-label': 'Time frame' }, FRAMES.map(([v, l]) => h('option', { value: v, selected: v === (q.get('timeframe') || '1h') }, l)));
  const body = h('div', { class: 'monitor-body', id: 'monitor-body' }, h('div', { class: 'loading' }, 'Loading…'));
  main.appendChild(h('div', { class: 'monitor-page' },
    h('div', { class: 'page-toolbar' }, h('h1', null, 'Monitor'),
      h('label', { class: 'inline' }, 'Service ', svcSel), h('label', { class: 'inline' }, 'Span kind ', kindSel),
      h('label', { class: 'inline' }, 'Time frame ', frameSel)), body));
  let seq = 0;
  const load = async () => {
    const my = ++seq;
    const service = svcSel.value;
    if (!service) return;
    const lookback = FRAMES.find(([v]) => v === frameSel.value)[2];
    // About 60 points per chart, never closer than 5 s (a scrape interval).
    const step = Math.max(5000, Math.round(lookback / 60));
    const common = { service, spanKind: kindSel.value, endTs: Date.now(), lookback, step, ratePer: 600000 };
    clear(body).appendChild(h('div', { class: 'loading' }, 'Loading metrics…'));
    try {
      const [p50, p75, p95, calls, errors, opsLat, opsCalls, opsErr] = await Promise.all([
        api.metrics('latencies', { ...common, quantile: 0.5 }),
        api.metrics('latencies', { ...common, quantile: 0.75 }),
        api.metrics('latencies', { ...common, quantile: 0.95 }),
        api.metrics('calls', common),
        api.metrics('errors', common),
        api.metrics('latencies', { ...common, quantile: 0.95, groupByOperation: true }),
        api.metrics('calls', { ...common, groupByOperation: true }),
        api.metrics('errors', { ...common, groupByOperation: true }),
      ]);
      if (my !== seq) return;
      clear(body);
      const traces = tracesLink(service, null, kindSel.value, common.endTs, lookback);
      body.appendChild(h('div', { class: 'charts' },
        chart('Latency (ms)', [['p95', p95], ['p75', p75], ['p50', p50]], (v) => `${v.toFixed(1)}`, traces),
        chart('Error rate (%)', [['errors', errors]], (v) => `${(v * 100).toFixed(1)}%`, traces),
        chart('Request rate (req/s)', [['calls', calls]], (v) => v.toFixed(2), traces)));
      body.appendChild(opsTable(service, kindSel.value, opsLat, opsCalls, opsErr, common.endTs, lookback));
    } catch (e) {
      if (my !== seq) return;
      clear(body);
      if (e.status === 501) body.appendChild(emptyState());
      else body.appendChild(h('div', { class: 'error-box', role: 'alert' }, `Could not load metrics: ${e.message}`));
    }
  };
  (async () => {
    try {
      const services = await api.services();
      for (const s of services) svcSel.appendChild(h('option', { value: s, selected: s === q.get('service') }, s));
      if (!services.length) {
        // Still ask for metrics: a disabled backend must show the get-started state.
        try {
          await api.metrics('calls', { service: '', endTs: Date.now() });
          clear(body).appendChild(h('div', { class: 'empty-state' }, 'No services yet.'));
        } catch (e) {
          clear(body).appendChild(e.status === 501 ? emptyState() : h('div', { class: 'empty-state' }, 'No services yet.'));
        }
        return;
      }
      await load();
    } catch (e) {
      clear(body).appendChild(h('div', { class: 'error-box' }, e.message));
    }
  })();
  for (const s of [svcSel, kindSel, frameSel]) s.addEventListener('change', load);
  return () => { seq++; };
}

function emptyState() {
  const es = (config.monitor && config.monitor.emptyState) || {};
  return h('div', { class: 'empty-state monitor-empty', id: 'monitor-empty' },
    h('h2', null, es.mainTitle || 'Get started with Service Performance Monitoring'),
    h('p', null, es.subTitle || 'Metrics querying is disabled on this server.'),
    config.monitor && config.monitor.docsLink ? h('a', { class: 'btn', href: config.monitor.docsLink, target: '_blank', rel: 'noopener' }, 'Read the documentation') : null);
}

function seriesPoints(family) {
  const m = family && family.metrics && family.metrics[0];
  return ((m && m.metricPoints) || []).map((p) => [Date.parse(p.timestamp), numeric(p.gaugeValue && p.gaugeValue.doubleValue)]);
}

function numeric(v) {
  const n = typeof v === 'string' ? Number(v) : v;
  return Number.isFinite(n) ? n : null;
}

const COLORS = ['#869ada', '#e09f3e', '#4dc19c', '#ef5d28'];

// The trace search matching a chart: same service (and operation), same time range.
function tracesLink(service, operation, kind, endTs, lookback) {
  const p = new URLSearchParams({ service });
  if (operation) p.set('operation', operation);
  if (kind && kind !== 'unspecified') p.set('tags', JSON.stringify({ 'span.kind': kind }));
  p.set('start', String((endTs - lookback) * 1000));
  p.set('end', String(endTs * 1000));
  p.set('lookback', 'custom');
  return url(`search?${p}`);
}

function chart(title, series, fmt, href) {
  const W = 420;
  const H = 180;
  const pad = { l: 48, r: 10, t: 10, b: 22 };
  const data = series.map(([name, fam]) => [name, seriesPoints(fam)]);
  const pts = data.flatMap(([, p]) => p).filter(([, v]) => v != null);
  const svg = h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  if (!pts.length) {
    svg.appendChild(h('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' }, 'No data'));
  } else {
    const x0 = Math.min(...pts.map((p) => p[0]));
    const x1 = Math.max(...pts.map((p) => p[0])) || x0 + 1;
    const y1 = Math.max(...pts.map((p) => p[1]), 1e-9);
    const sx = (t) => pad.l + ((t - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
    const sy = (v) => H - pad.b - (v / y1) * (H - pad.t - pad.b);
    for (let i = 0; i <= 3; i++) {
      const v = (y1 * i) / 3;
      svg.appendChild(h('line', { x1: pad.l, x2: W - pad.r, y1: sy(v), y2: sy(v), class: 'grid' }));
      svg.appendChild(h('text', { x: pad.l - 4, y: sy(v) + 4, 'text-anchor': 'end', class: 'axis' }, fmt(v)));
    }
    for (const [t, anchor] of (x1 > x0 ? [[x0, 'start'], [x1, 'end']] : [[x0, 'start']])) {
      const d = new Date(t);
      const label = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      svg.appendChild(h('text', { x: sx(t), y: H - 6, 'text-anchor': anchor, class: 'axis' }, label));
    }
    data.forEach(([, p], i) => {
      const d = p.filter(([, v]) => v != null).map(([t, v]) => `${sx(t).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      svg.appendChild(h('polyline', { points: d, class: 'series', style: `stroke:${COLORS[i % COLORS.length]}` }));
      const shown = p.filter(([, v]) => v != null);
      if (shown.length === 1) {
        // a single point draws no line: mark it
        svg.appendChild(h('circle', { cx: sx(shown[0][0]), cy: sy(shown[0][1]), r: 3, style: `fill:${COLORS[i % COLORS.length]}` }));
      }
    });
  }
  return h('figure', { class: 'chart-card' }, h('figcaption', null, title,
    h('span', { class: 'legend-row' }, data.map(([n], i) => h('span', { class: 'legend-item' }, h('span', { class: 'svc-dot', style: { background: COLORS[i % COLORS.length] } }), n)))), svg,
    href ? h('a', { class: 'chart-traces', href, title: 'Find the traces behind this chart' }, 'View traces') : null);
}

function byOperation(family) {
  const out = new Map();
  for (const m of (family && family.metrics) || []) {
    const op = ((m.labels || []).find((l) => l.name === 'operation') || {}).value;
    const vals = (m.metricPoints || []).map((p) => numeric(p.gaugeValue && p.gaugeValue.doubleValue)).filter((v) => v != null);
    if (op != null) out.set(op, vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null);
  }
  return out;
}

function opsTable(service, kind, lat, calls, errs, endTs, lookback) {
  const l = byOperation(lat);
  const c = byOperation(calls);
  const e = byOperation(errs);
  const ops = [...new Set([...l.keys(), ...c.keys(), ...e.keys()])];
  const totalImpact = ops.reduce((s, op) => s + (l.get(op) || 0) * (c.get(op) || 0), 0) || 1;
  const rows = ops.map((op) => ({ op, lat: l.get(op), calls: c.get(op), err: e.get(op), impact: ((l.get(op) || 0) * (c.get(op) || 0)) / totalImpact }))
    .sort((a, b) => b.impact - a.impact);
  const f = (v, fn) => (v == null ? '–' : fn(v));
  return h('table', { class: 'stats-table ops-table', id: 'monitor-ops' },
    h('caption', null, `Operations of ${service} (${kind})`),
    h('thead', null, h('tr', null, ['Name', 'P95 Latency', 'Request rate', 'Error rate', 'Impact', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', null,
      h('th', { scope: 'row' }, r.op),
      h('td', null, f(r.lat, (v) => fmtDuration(v * 1000))),
      h('td', null, f(r.calls, (v) => `${v.toFixed(2)} req/s`)),
      h('td', null, f(r.err, (v) => `${(v * 100).toFixed(1)}%`)),
      h('td', null, h('meter', { min: 0, max: 1, value: r.impact, title: `${(r.impact * 100).toFixed(1)}%` })),
      h('td', null, h('a', { href: tracesLink(service, r.op, kind, endTs, lookback) }, 'View traces'))))
      : h('tr', null, h('td', { colspan: 6 }, 'No operations in this time frame.'))));
}
