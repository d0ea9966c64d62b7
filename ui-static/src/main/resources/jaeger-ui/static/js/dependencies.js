// SPDX-License-Identifier: Apache-2.0
// System Architecture (/dependencies) and the deep dependency graph (focal service, from search results).
import { h, clear, url, navigate, serviceColor } from './util.js';
import { config } from './config.js';
import { api } from './api.js';
import { transformTrace } from './trace-model.js';
import { layeredLayout, forceLayout, renderGraph } from './graph.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export function renderDependencies(main, q) {
  const focus = h('select', { id: 'dep-focus', 'aria-label': 'Focal service' }, h('option', { value: '' }, 'All services'));
  const layoutSel = h('select', { id: 'dep-layout', 'aria-label': 'Layout' },
    h('option', { value: 'layered', selected: q.get('layout') !== 'force' }, 'Layered'),
    h('option', { value: 'force', selected: q.get('layout') === 'force' }, 'Force-directed'));
  const body = h('div', { class: 'dep-body', id: 'dep-body' }, h('div', { class: 'loading' }, 'Loading dependencies…'));
  main.appendChild(h('div', { class: 'dep-page' },
    h('div', { class: 'page-toolbar' }, h('h1', null, 'System Architecture'), h('label', { class: 'inline' }, 'Focus on ', focus),
      h('label', { class: 'inline' }, 'Layout ', layoutSel)), body));
  let links = [];
  const draw = () => {
    clear(body);
    const f = focus.value;
    const shown = f ? links.filter((l) => l.parent === f || l.child === f) : links;
    if (!shown.length) {
      body.appendChild(h('div', { class: 'empty-state', id: 'dep-empty' }, h('h3', null, 'No service dependencies found'),
        h('p', null, 'Dependencies come from traces of the last week; they appear once services call each other.')));
      return;
    }
    const names = [...new Set(shown.flatMap((l) => [l.parent, l.child]))].sort();
    const max = (config.dependencies && config.dependencies.dagMaxNumServices) || 500;
    if (names.length > max) {
      body.appendChild(h('p', { class: 'muted' }, `${names.length} services: above dependencies.dagMaxNumServices (${max}); pick a focal service for a readable graph.`));
    }
    const layout = (layoutSel.value === 'force' ? forceLayout : layeredLayout)(
      names.map((n) => ({ id: n, lines: [n], color: serviceColor(n), cls: n === f ? 'node-focal' : '' })),
      shown.map((l) => ({ from: l.parent, to: l.child, label: l.callCount }))
    );
    body.appendChild(renderGraph(layout, { label: 'Service dependency graph', className: 'dep-graph', onNodeClick: (n) => {
      focus.value = focus.value === n.id ? '' : n.id;
      draw();
    } }));
    body.appendChild(h('p', { class: 'muted' }, `${names.length} services, ${shown.length} links. Edge labels are call counts. Click a service to focus on it.`));
  };
  focus.addEventListener('change', draw);
  layoutSel.addEventListener('change', () => {
    const u = new URL(location.href);
    if (layoutSel.value === 'force') u.searchParams.set('layout', 'force');
    else u.searchParams.delete('layout');
    history.replaceState(null, '', u.pathname + u.search);
    draw();
  });
  (async () => {
    try {
      links = await api.dependencies(Date.now(), WEEK_MS);
      const names = [...new Set(links.flatMap((l) => [l.parent, l.child]))].sort();
      for (const n of names) focus.appendChild(h('option', { value: n, selected: n === q.get('service') }, n));
      draw();
    } catch (e) {
      clear(body).appendChild(h('div', { class: 'error-box', role: 'alert' }, `Could not load dependencies: ${e.message}`));
    }
  })();
  return null;
}

/**
 * Deep dependency graph around a focal service: service::operation nodes on every root-to-leaf path of the given
 * traces that passes through the focal service, with call counts on the edges.
 */
export function renderDdgFromTraces(traces, focal) {
  const services = [...new Set(traces.flatMap((t) => t.services.map((s) => s.name)))].sort();
  const sel = h('select', { id: 'ddg-focus', 'aria-label': 'Focal service' }, services.map((s) => h('option', { value: s, selected: s === focal }, s)));
  const body = h('div', { class: 'ddg-body', id: 'ddg-body' });
  const draw = () => {
    const f = sel.value;
    const nodes = new Map();
    const edges = new Map();
    for (const t of traces) {
      // Keep the focal service's spans, their ancestors and their descendants (spans come parents first).
      const keep = new Set();
      const below = new Set();
      for (const s of t.spans) {
        if (s.serviceName === f) {
          below.add(s);
          for (let p = s; p; p = p.parent) keep.add(p);
        } else if (s.parent && below.has(s.parent)) {
          below.add(s);
          keep.add(s);
        }
      }
      for (const s of keep) {
        const id = `${s.serviceName}::${s.operationName}`;
        nodes.set(id, { service: s.serviceName, operation: s.operationName });
        if (s.parent && keep.has(s.parent)) {
          const pid = `${s.parent.serviceName}::${s.parent.operationName}`;
          const k = `${pid}\n${id}`;
          const e = edges.get(k) || { from: pid, to: id, label: 0 };
          e.label++;
          edges.set(k, e);
        }
      }
    }
    clear(body);
    if (!nodes.size) {
      body.appendChild(h('div', { class: 'empty-state' }, `No spans of ${f} in these traces.`));
      return;
    }
    const layout = layeredLayout(
      [...nodes.entries()].map(([id, n]) => ({ id, lines: [n.service, n.operation], color: serviceColor(n.service), cls: n.service === f ? 'node-focal' : '' })),
      [...edges.values()]
    );
    body.appendChild(renderGraph(layout, { label: 'Deep dependency graph', className: 'ddg-graph' }));
  };
  sel.addEventListener('change', () => {
    // The URL keeps the focal service, so a reload or a shared link shows the same graph.
    const u = new URL(location.href);
    u.searchParams.set('focus', sel.value);
    history.replaceState(null, '', u.pathname + u.search);
    draw();
  });
  draw();
  return h('div', { class: 'ddg' }, h('label', { class: 'inline' }, 'Focal service ', sel), body);
}

/** /deep-dependencies?service=X: the deep dependency graph over the last hour of X's traces. */
export function renderDeepDependencies(main, q) {
  const box = h('div', { class: 'ddg-page' }, h('h1', null, 'Deep Dependency Graph'));
  main.appendChild(box);
  const service = q.get('service');
  if (!service) {
    const sel = h('select', { id: 'ddg-service', 'aria-label': 'Service' }, h('option', { value: '' }, 'Select a service'));
    sel.addEventListener('change', () => sel.value && navigate(`deep-dependencies?service=${encodeURIComponent(sel.value)}`));
    box.appendChild(h('label', { class: 'inline' }, 'Service ', sel));
    api.services().then((list) => list.forEach((s) => sel.appendChild(h('option', { value: s }, s)))).catch(() => {});
    return null;
  }
  const body = h('div', null, h('div', { class: 'loading' }, 'Loading…'));
  box.appendChild(body);
  const end = Date.now() * 1000;
  api.searchTraces({ service, start: end - 3600e6, end, limit: 50 })
    .then((r) => {
      clear(body).appendChild(renderDdgFromTraces((r.data || []).map(transformTrace), q.get('focus') || service));
      body.appendChild(h('p', { class: 'muted' }, 'Built from up to 50 traces of the last hour. ', h('a', { href: url(`search?service=${encodeURIComponent(service)}`) }, 'Search them')));
    })
    .catch((e) => clear(body).appendChild(h('div', { class: 'error-box' }, e.message)));
  return null;
}
