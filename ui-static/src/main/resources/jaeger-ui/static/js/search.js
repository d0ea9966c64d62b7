// SPDX-License-Identifier: Apache-2.0
// Search page: form (service, operation, tags, lookback, durations, limit), upload tab, scatter plot, result list.
import { h, clear, url, navigate, fmtDuration, fmtDateTime, fmtRelative, serviceColor, parseLogfmt, toLogfmt,
  isValidDuration, download, traceCache, isEmbedded, shortId } from './util.js';
import { config, lookbackChoices, lookbackMicros } from './config.js';
import { api } from './api.js';
import { transformTrace } from './trace-model.js';
import { renderDdgFromTraces } from './dependencies.js';

const LAST_KEY = 'jaegerj.lastSearch';
// The open live-tail stream of the search page (one at a time); closed when the results or the page change.
let liveSource = null;

function stopLive() {
  if (liveSource) liveSource.close();
  liveSource = null;
}
const SORTS = [
  ['MOST_RECENT', 'Most Recent', (a, b) => b.startTime - a.startTime],
  ['LONGEST_FIRST', 'Longest First', (a, b) => b.duration - a.duration],
  ['SHORTEST_FIRST', 'Shortest First', (a, b) => a.duration - b.duration],
  ['MOST_SPANS', 'Most Spans', (a, b) => b.spans.length - a.spans.length],
  ['LEAST_SPANS', 'Least Spans', (a, b) => a.spans.length - b.spans.length],
];

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(LAST_KEY)) || {};
  } catch (e) {
    return {};
  }
}

function remember(service, operation) {
  try {
    localStorage.setItem(LAST_KEY, JSON.stringify({ service, operation }));
  } catch (e) {
    /* storage unavailable: nothing to remember */
  }
}

function toLocalInput(us) {
  const d = new Date(us / 1000 - new Date(us / 1000).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(v) {
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms * 1000 : NaN;
}

export function renderSearch(main, q) {
  const embedded = isEmbedded(q);
  const hideGraph = q.get('uiSearchHideGraph') === '1';
  const results = h('section', { class: 'search-results', id: 'search-results', 'aria-live': 'polite' });
  const state = { disposed: false };
  if (!embedded) main.appendChild(h('aside', { class: 'search-side' }, searchSidebar(q, results, hideGraph)));
  main.appendChild(results);

  const traceIDs = q.getAll('traceID');
  if (traceIDs.length) {
    runQuery(results, () => api.searchTraces({ traceID: traceIDs }), q, hideGraph);
  } else if (q.get('service')) {
    // A deep link may carry only a lookback: turn it into the window the server needs.
    let start = q.get('start') || undefined;
    let end = q.get('end') || undefined;
    const lb = q.get('lookback');
    if (!start && !end && lb && lb !== 'custom' && Number.isFinite(lookbackMicros(lb))) {
      end = String(Date.now() * 1000);
      start = String(Number(end) - lookbackMicros(lb));
    }
    const params = {
      service: q.get('service'),
      operation: q.get('operation') || undefined,
      tags: q.get('tags') || undefined,
      start,
      end,
      limit: q.get('limit') || 20,
      lookback: q.get('lookback') || undefined,
      minDuration: q.get('minDuration') || undefined,
      maxDuration: q.get('maxDuration') || undefined,
    };
    runQuery(results, () => api.searchTraces(params), q, hideGraph);
  } else if (!embedded) {
    results.appendChild(
      h('div', { class: 'empty-state' }, h('h2', null, 'Find traces'),
        h('p', null, 'Pick a service and press "Find Traces", or upload a JSON file of traces.'))
    );
  }
  return () => {
    state.disposed = true;
    stopLive();
  };
}

function searchSidebar(q, results, hideGraph) {
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const body = h('div', { class: 'tab-body' });
  const show = (which) => {
    clear(body);
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.tab === which));
    body.appendChild(which === 'upload' ? uploadForm(results, hideGraph) : searchForm(q));
  };
  tabs.appendChild(h('button', { type: 'button', role: 'tab', class: 'tab', dataset: { tab: 'search' }, onclick: () => show('search') }, 'Search'));
  if (!config.disableFileUploadControl) {
    tabs.appendChild(h('button', { type: 'button', role: 'tab', class: 'tab', id: 'tab-upload', dataset: { tab: 'upload' }, onclick: () => show('upload') }, 'JSON File'));
  }
  show('search');
  return [tabs, body];
}

function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('span', { class: 'field-hint' }, hint) : null);
}

function searchForm(q) {
  const last = remembered();
  const service = h('select', { name: 'service', id: 'search-service', required: true }, h('option', { value: '' }, 'Loading…'));
  const operation = h('select', { name: 'operation', id: 'search-operation' }, h('option', { value: '' }, 'all'));
  let tagsText = '';
  try {
    tagsText = q.get('tags') ? toLogfmt(JSON.parse(q.get('tags'))) : '';
  } catch (e) {
    tagsText = '';
  }
  const tags = h('input', { type: 'text', name: 'tags', id: 'search-tags', value: tagsText, placeholder: 'http.status_code=200 error=true', autocomplete: 'off' });
  const choices = lookbackChoices();
  const wanted = q.get('lookback') || '1h';
  const lookback = h('select', { name: 'lookback', id: 'search-lookback' },
    choices.map(([v, label]) => h('option', { value: v, selected: v === wanted }, label)),
    h('option', { value: 'custom', selected: wanted === 'custom' }, 'Custom Time Range'));
  const nowUs = Date.now() * 1000;
  const startIn = h('input', { type: 'datetime-local', name: 'start', id: 'search-start', value: toLocalInput(Number(q.get('start')) || nowUs - 3600e6) });
  const endIn = h('input', { type: 'datetime-local', name: 'end', id: 'search-end', value: toLocalInput(Number(q.get('end')) || nowUs) });
  const custom = h('div', { class: 'custom-range', hidden: wanted !== 'custom' }, field('Start', startIn), field('End', endIn));
  lookback.addEventListener('change', () => {
    custom.hidden = lookback.value !== 'custom';
  });
  const minD = h('input', { type: 'text', name: 'minDuration', id: 'search-min-duration', value: q.get('minDuration') || '', placeholder: 'e.g. 1.2s, 100ms, 500us' });
  const maxD = h('input', { type: 'text', name: 'maxDuration', id: 'search-max-duration', value: q.get('maxDuration') || '', placeholder: 'e.g. 1.1s' });
  const maxLimit = (config.search && config.search.maxLimit) || 1500;
  const limit = h('input', { type: 'number', name: 'limit', id: 'search-limit', min: 1, max: maxLimit, value: q.get('limit') || 20 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'search-submit', disabled: true }, 'Find Traces');

  const loadOps = async (svc, selected) => {
    clear(operation).appendChild(h('option', { value: '' }, 'all'));
    if (!svc) return;
    try {
      for (const op of await api.operations(svc)) operation.appendChild(h('option', { value: op, selected: op === selected }, op));
    } catch (e) {
      error.textContent = `Could not load operations: ${e.message}`;
    }
  };
  (async () => {
    try {
      const services = await api.services();
      clear(service).appendChild(h('option', { value: '' }, services.length ? 'Select a service' : 'No services found'));
      const want = q.get('service') || last.service;
      for (const s of services) service.appendChild(h('option', { value: s, selected: s === want }, s));
      submit.disabled = false;
      if (service.value) await loadOps(service.value, q.get('operation') || (want === last.service ? last.operation : ''));
    } catch (e) {
      clear(service).appendChild(h('option', { value: '' }, 'Error'));
      error.textContent = `Could not load services: ${e.message}`;
    }
  })();
  service.addEventListener('change', () => loadOps(service.value, ''));

  const onSubmit = (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!service.value) return void (error.textContent = 'Select a service.');
    const parsedTags = parseLogfmt(tags.value);
    if (parsedTags === null) return void (error.textContent = 'Tags must be logfmt: key=value key2="value 2".');
    if (!isValidDuration(minD.value) || !isValidDuration(maxD.value)) {
      return void (error.textContent = 'Durations are a number and a unit: us, ms, s, m or h (e.g. 1.2s).');
    }
    const lim = Number(limit.value);
    if (!(lim >= 1 && lim <= maxLimit)) return void (error.textContent = `Limit must be between 1 and ${maxLimit}.`);
    let start;
    let end;
    if (lookback.value === 'custom') {
      start = fromLocalInput(startIn.value);
      end = fromLocalInput(endIn.value);
      if (!(start < end)) return void (error.textContent = 'The custom range must end after it starts.');
    } else {
      end = Date.now() * 1000;
      start = end - lookbackMicros(lookback.value);
    }
    remember(service.value, operation.value);
    const sp = new URLSearchParams();
    sp.set('service', service.value);
    if (operation.value) sp.set('operation', operation.value);
    if (Object.keys(parsedTags).length) sp.set('tags', JSON.stringify(parsedTags));
    sp.set('start', String(Math.round(start)));
    sp.set('end', String(Math.round(end)));
    sp.set('limit', String(lim));
    sp.set('lookback', lookback.value);
    sp.set('minDuration', minD.value.trim());
    sp.set('maxDuration', maxD.value.trim());
    navigate(`search?${sp.toString()}`);
  };
  return h('form', { class: 'search-form', id: 'search-form', onsubmit: onSubmit },
    field('Service', service), field('Operation', operation),
    field('Tags', tags, 'logfmt, e.g. http.status_code=200 error=true'),
    field('Lookback', lookback), custom,
    h('div', { class: 'field-row' }, field('Max Duration', maxD), field('Min Duration', minD)),
    field('Limit Results', limit), error, submit);
}

function uploadForm(results, hideGraph) {
  const input = h('input', { type: 'file', id: 'upload-input', accept: '.json,.jsonl,application/json', multiple: true });
  const error = h('p', { class: 'form-error', role: 'alert' });
  input.addEventListener('change', async () => {
    error.textContent = '';
    try {
      const traces = [];
      for (const f of input.files) traces.push(...(await parseUpload(await f.text())));
      for (const t of traces) traceCache.set(t.traceID, t);
      showResults(results, traces, new URLSearchParams(), hideGraph, 'Loaded from file');
    } catch (e) {
      error.textContent = `Could not read the file: ${e.message}`;
    }
  });
  return h('div', { class: 'upload-form' },
    h('p', null, 'Open a file of traces: Jaeger JSON ({"data": [...]}) or OTLP JSON ({"resourceSpans": [...]}, an array of such objects, or one per line).'),
    field('JSON file', input), error);
}

/** Reads Jaeger JSON directly; OTLP JSON goes through the server's /api/transform. */
export async function parseUpload(text) {
  let docs;
  try {
    docs = [JSON.parse(text)];
  } catch (e) {
    docs = text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => JSON.parse(l));
  }
  if (docs.length === 1 && Array.isArray(docs[0])) docs = docs[0];
  const out = [];
  for (const d of docs) {
    if (d && Array.isArray(d.data)) out.push(...d.data);
    else if (d && Array.isArray(d.resourceSpans)) out.push(...(await api.transform(JSON.stringify(d))));
    else if (d && Array.isArray(d.spans) && d.processes) out.push(d);
    else throw new Error('neither Jaeger JSON nor OTLP JSON');
  }
  return out;
}

async function runQuery(results, call, q, hideGraph) {
  clear(results).appendChild(h('div', { class: 'loading', id: 'search-loading' }, 'Searching…'));
  try {
    const body = await call();
    const errs = (body && body.errors) || [];
    showResults(results, (body && body.data) || [], q, hideGraph, null, errs);
  } catch (e) {
    clear(results).appendChild(h('div', { class: 'error-box', id: 'search-error', role: 'alert' }, h('strong', null, 'Search failed: '), e.message));
  }
}

function showResults(results, rawTraces, q, hideGraph, note, errs = []) {
  stopLive();
  const traces = rawTraces.map(transformTrace);
  const state = { sort: q.get('sort') || 'MOST_RECENT', selected: new Set(), view: q.get('view') === 'ddg' ? 'ddg' : 'list' };
  clear(results);
  if (errs.length) {
    results.appendChild(h('div', { class: 'error-box', role: 'alert' }, errs.map((e) => h('div', null, `${e.traceID ? `${e.traceID}: ` : ''}${e.msg}`))));
  }
  const count = h('h2', { class: 'results-count', id: 'results-count' }, `${traces.length} Trace${traces.length === 1 ? '' : 's'}`);
  const sort = h('select', { id: 'search-sort', 'aria-label': 'Sort' }, SORTS.map(([k, l]) => h('option', { value: k, selected: k === state.sort }, l)));
  const compareBtn = h('button', { type: 'button', class: 'btn', id: 'compare-selected', disabled: true,
    onclick: () => {
      const [a, b] = [...state.selected];
      navigate(`trace/${a}...${b}?cohort=${a}&cohort=${b}`);
    } }, 'Compare Traces');
  const dl = h('button', { type: 'button', class: 'btn', id: 'download-results',
    onclick: () => download(`traces-${Date.now()}.json`, JSON.stringify({ data: rawTraces })) }, 'Download Results');
  const viewSel = h('div', { class: 'seg', role: 'group', 'aria-label': 'Results view' },
    h('button', { type: 'button', class: 'btn', 'aria-pressed': String(state.view === 'list'), id: 'view-list', onclick: () => setView('list') }, 'Trace Results'),
    h('button', { type: 'button', class: 'btn', 'aria-pressed': String(state.view === 'ddg'), id: 'view-ddg', onclick: () => setView('ddg') }, 'Deep Dependency Graph'));
  // Live tail: the server streams the IDs of new traces of the searched service (server-sent events).
  const liveService = q.get('service');
  const liveStatus = h('span', { class: 'live-status muted', id: 'live-status', role: 'status' });
  const fresh = new Set();
  const liveBtn = liveService && !q.getAll('traceID').length ? h('button', { type: 'button', class: 'btn', id: 'live-tail', 'aria-pressed': 'false',
    title: `Add new traces of ${liveService} to these results as they arrive`, onclick: () => (liveSource ? endLive() : startLive()) }, 'Live tail') : null;
  function endLive() {
    stopLive();
    liveBtn.setAttribute('aria-pressed', 'false');
    liveStatus.textContent = '';
  }
  function startLive() {
    const src = new EventSource(url(`api/live/traces${api.qs({ service: liveService, operation: q.get('operation') || undefined })}`));
    liveSource = src;
    liveBtn.setAttribute('aria-pressed', 'true');
    liveStatus.textContent = `Following new traces of ${liveService}…`;
    src.addEventListener('open', () => { liveStatus.textContent = `Following new traces of ${liveService}`; liveStatus.dataset.state = 'open'; });
    src.addEventListener('error', () => { if (liveSource === src) liveStatus.textContent = 'Live tail interrupted, reconnecting…'; });
    src.addEventListener('trace', async (e) => {
      let id;
      try {
        id = JSON.parse(e.data).traceID;
        if (traces.some((t) => t.traceID === id)) return;
        const raw = await api.trace(id);
        if (!raw || liveSource !== src || traces.some((t) => t.traceID === id)) return;
        traces.push(transformTrace(raw));
        fresh.add(id);
        count.textContent = `${traces.length} Trace${traces.length === 1 ? '' : 's'}`;
        liveStatus.textContent = `Following new traces of ${liveService}: ${fresh.size} new`;
        draw();
      } catch (err) {
        liveStatus.textContent = `Live tail: could not load trace ${id || ''}: ${err.message}`;
      }
    });
  }
  results.appendChild(h('div', { class: 'results-header' }, count, note ? h('span', { class: 'muted' }, note) : null,
    h('div', { class: 'spacer' }), liveStatus, liveBtn, viewSel, h('label', { class: 'inline' }, 'Sort: ', sort), compareBtn, dl));
  const body = h('div', { class: 'results-body' });
  results.appendChild(body);
  const draw = () => {
    clear(body);
    if (!traces.length) {
      body.appendChild(h('div', { class: 'empty-state', id: 'no-results' }, h('h3', null, 'No trace results'), h('p', null, 'Try another service, a longer lookback or fewer filters.')));
      return;
    }
    if (state.view === 'ddg') {
      body.appendChild(renderDdgFromTraces(traces, q.get('focus') || q.get('service') || traces[0].services[0].name));
      return;
    }
    if (!hideGraph) body.appendChild(scatterPlot(traces));
    const cmp = SORTS.find(([k]) => k === state.sort)[2];
    const list = h('ol', { class: 'result-list', id: 'result-list' });
    let longest = 0;
    for (const t of traces) longest = Math.max(longest, t.duration);
    for (const t of traces.slice().sort(cmp)) {
      const li = resultItem(t, state, compareBtn, longest);
      if (fresh.has(t.traceID)) li.classList.add('live-new');
      list.appendChild(li);
    }
    body.appendChild(list);
  };
  const setView = (v) => {
    state.view = v;
    for (const b of viewSel.children) b.setAttribute('aria-pressed', String(b.id === `view-${v}`));
    const u = new URL(location.href);
    if (v === 'ddg') u.searchParams.set('view', 'ddg');
    else u.searchParams.delete('view');
    history.replaceState(null, '', u.pathname + u.search);
    draw();
  };
  sort.addEventListener('change', () => {
    state.sort = sort.value;
    draw();
  });
  draw();
}

/** Error spans per service of a trace model. */
function serviceErrors(t) {
  const m = new Map();
  for (const s of t.spans) if (s.hasError) m.set(s.serviceName, (m.get(s.serviceName) || 0) + 1);
  return m;
}

function resultItem(t, state, compareBtn, longest) {
  const errs = serviceErrors(t);
  const barPct = longest ? Math.max((t.duration / longest) * 100, 0.5) : 100;
  const check = h('input', { type: 'checkbox', class: 'compare-check', 'aria-label': `Select ${t.traceID} for comparison`,
    onchange: () => {
      if (check.checked) state.selected.add(t.traceID);
      else state.selected.delete(t.traceID);
      compareBtn.disabled = state.selected.size !== 2;
    } });
  const href = url(`trace/${t.traceID}`);
  return h('li', { class: 'result-item', dataset: { traceId: t.traceID } },
    h('div', { class: 'result-title' },
      check,
      h('a', { class: 'result-link', href }, h('span', { class: 'trace-name' }, t.traceName), ' ',
        h('span', { class: 'trace-id' }, shortId(t.traceID, config.traceIdDisplayLength || 7))),
      h('span', { class: 'result-duration' }, fmtDuration(t.duration))),
    h('div', { class: 'result-bar', title: `${fmtDuration(t.duration)}, ${barPct.toFixed(0)}% of the longest trace in these results` },
      h('span', { class: 'result-bar-fill', style: { width: `${barPct}%` } })),
    h('div', { class: 'result-meta' },
      h('span', { class: 'badge span-count' }, `${t.spans.length} Span${t.spans.length === 1 ? '' : 's'}`),
      t.errors ? h('span', { class: 'badge badge-error error-count' }, `${t.errors} Error${t.errors === 1 ? '' : 's'}`) : null,
      h('span', { class: 'services' }, t.services.map((s) =>
        h('span', { class: `service-tag${errs.has(s.name) ? ' has-error' : ''}`, dataset: { service: s.name }, style: { borderLeftColor: serviceColor(s.name) } },
          errs.has(s.name) ? h('span', { class: 'icon-error service-error', title: `${errs.get(s.name)} error span${errs.get(s.name) === 1 ? '' : 's'} in ${s.name}` }, '!') : null,
          `${s.name} (${s.count})`))),
      h('span', { class: 'spacer' }),
      h('span', { class: 'result-start', title: fmtDateTime(t.startTime) }, fmtDateTime(t.startTime), ' · ', fmtRelative(t.startTime))));
}

function scatterPlot(traces) {
  const W = 900;
  const H = 180;
  const pad = { l: 64, r: 24, t: 16, b: 24 };
  let x0 = Infinity, x1 = -Infinity, y1 = 0, maxSpans = 1;
  for (const t of traces) {
    x0 = Math.min(x0, t.startTime);
    x1 = Math.max(x1, t.startTime);
    y1 = Math.max(y1, t.duration);
    maxSpans = Math.max(maxSpans, t.spans.length);
  }
  if (x1 === x0) { x0 -= 1e6; x1 += 1e6; }
  y1 = y1 || 1;
  const sx = (v) => pad.l + ((v - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const sy = (v) => H - pad.b - (v / y1) * (H - pad.t - pad.b);
  const svg = h('svg', { class: 'scatter', id: 'scatter-plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Trace durations over time' });
  for (let i = 0; i <= 4; i++) {
    const v = (y1 * i) / 4;
    svg.appendChild(h('line', { x1: pad.l, x2: W - pad.r, y1: sy(v), y2: sy(v), class: 'grid' }));
    svg.appendChild(h('text', { x: pad.l - 6, y: sy(v) + 4, 'text-anchor': 'end', class: 'axis' }, fmtDuration(v)));
  }
  for (let i = 0; i <= 4; i++) {
    const v = x0 + ((x1 - x0) * i) / 4;
    svg.appendChild(h('text', { x: sx(v), y: H - 6, 'text-anchor': 'middle', class: 'axis' }, fmtDateTime(v).slice(11, 19)));
  }
  for (const t of traces) {
    const r = 3 + 9 * Math.sqrt(t.spans.length / maxSpans);
    const dot = h('circle', { cx: sx(t.startTime), cy: sy(t.duration), r, class: `dot${t.errors ? ' dot-error' : ''}`, tabindex: 0,
      dataset: { traceId: t.traceID }, onclick: () => navigate(`trace/${t.traceID}`),
      onkeydown: (e) => { if (e.key === 'Enter') navigate(`trace/${t.traceID}`); } },
    h('title', null, `${t.traceName}\n${fmtDuration(t.duration)}, ${t.spans.length} spans`));
    svg.appendChild(dot);
  }
  return h('div', { class: 'scatter-wrap' }, svg);
}
