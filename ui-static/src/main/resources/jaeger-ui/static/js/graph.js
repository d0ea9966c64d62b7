// SPDX-License-Identifier: Apache-2.0
// A layered (left-to-right) graph layout and its SVG rendering, shared by the System Architecture page, the deep
// dependency graph and the trace graph. Cycles are broken by reversing back edges for layering only.
import { h } from './util.js';

/**
 * nodes: [{id, lines: [string...], cls?, color?}], edges: [{from, to, label?, cls?}].
 * Returns {nodes: [{...node, x, y, w, h}], edges, width, height}.
 */
export function layeredLayout(nodes, edges, opts = {}) {
  const nodeH = opts.nodeHeight || 44;
  const gapX = opts.gapX || 90;
  const gapY = opts.gapY || 22;
  const charW = opts.charWidth || 7.2;
  const byId = new Map(nodes.map((n) => [n.id, { ...n, out: [], in: [] }]));
  const dagEdges = [];
  for (const e of edges) if (byId.has(e.from) && byId.has(e.to) && e.from !== e.to) dagEdges.push(e);
  // Depth-first search to find back edges (iterative).
  const state = new Map();
  const back = new Set();
  const adj = new Map(nodes.map((n) => [n.id, []]));
  dagEdges.forEach((e, i) => adj.get(e.from).push([e.to, i]));
  for (const n of nodes) {
    if (state.get(n.id)) continue;
    const stack = [[n.id, 0]];
    state.set(n.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = adj.get(top[0]);
      if (top[1] >= list.length) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const [to, idx] = list[top[1]++];
      const st = state.get(to);
      if (st === 1) back.add(idx);
      else if (!st) {
        state.set(to, 1);
        stack.push([to, 0]);
      }
    }
  }
  dagEdges.forEach((e, i) => {
    const [a, b] = back.has(i) ? [e.to, e.from] : [e.from, e.to];
    byId.get(a).out.push(b);
    byId.get(b).in.push(a);
  });
  // Longest path layering in topological order (Kahn).
  const indeg = new Map([...byId.values()].map((n) => [n.id, n.in.length]));
  const layer = new Map();
  const queue = [...byId.values()].filter((n) => !n.in.length).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi];
    for (const to of byId.get(id).out) {
      layer.set(to, Math.max(layer.get(to) || 0, layer.get(id) + 1));
      indeg.set(to, indeg.get(to) - 1);
      if (indeg.get(to) === 0) queue.push(to);
    }
  }
  const layers = [];
  for (const n of byId.values()) {
    const l = layer.get(n.id) || 0;
    (layers[l] = layers[l] || []).push(n.id);
  }
  for (let i = 0; i < layers.length; i++) layers[i] = layers[i] || [];
  // Barycenter ordering sweeps to reduce crossings.
  const pos = new Map();
  const index = () => layers.forEach((ids) => ids.forEach((id, i) => pos.set(id, i)));
  index();
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const ids of order) {
      const bc = new Map(
        ids.map((id) => {
          const ns = down ? byId.get(id).in : byId.get(id).out;
          return [id, ns.length ? ns.reduce((s, x) => s + pos.get(x), 0) / ns.length : pos.get(id)];
        })
      );
      ids.sort((a, b) => bc.get(a) - bc.get(b));
      ids.forEach((id, i) => pos.set(id, i));
    }
  }
  const out = [];
  const widths = layers.map((ids) => Math.max(120, ...ids.map((id) => Math.max(...byId.get(id).lines.map((l) => l.length)) * charW + 24)));
  const tallest = Math.max(...layers.map((ids) => ids.length), 1);
  // Backward edges arc above the nodes: leave room for them at the top.
  const top = back.size ? 100 : 0;
  const height = tallest * (nodeH + gapY) + gapY;
  let x = 20;
  layers.forEach((ids, li) => {
    const colH = ids.length * (nodeH + gapY) - gapY;
    let y = top + (height - colH) / 2;
    for (const id of ids) {
      const n = byId.get(id);
      const lineCount = n.lines.length;
      const hh = Math.max(nodeH, lineCount * 16 + 12);
      out.push({ ...n, x, y, w: widths[li], h: hh, layer: li });
      y += nodeH + gapY;
    }
    x += widths[li] + gapX;
  });
  return { nodes: out, edges: dagEdges, width: Math.max(x - gapX + 20, 200), height: top + height + 20 };
}

/** Renders a layout as an SVG element inside a scrollable container. */
export function renderGraph(layout, opts = {}) {
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const svg = h('svg', { class: `graph ${opts.className || ''}`, width: layout.width, height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img', 'aria-label': opts.label || 'Graph' },
  h('defs', null, h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    h('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))));
  for (const e of layout.edges) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (!a || !b) continue;
    let d;
    let mx;
    let my;
    if (b.x > a.x) {
      const x1 = a.x + a.w;
      const y1 = a.y + a.h / 2;
      const x2 = b.x;
      const y2 = b.y + b.h / 2;
      const c = (x2 - x1) / 2;
      d = `M${x1},${y1} C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}`;
      mx = (x1 + x2) / 2;
      my = (y1 + y2) / 2;
    } else {
      const x1 = a.x + a.w / 2;
      const y1 = a.y;
      const x2 = b.x + b.w / 2;
      const y2 = b.y;
      const lift = Math.min(40 + Math.abs(x1 - x2) / 6, Math.max(y1, y2) - 10, 120);
      d = `M${x1},${y1} C${x1},${y1 - lift} ${x2},${y2 - lift} ${x2},${y2}`;
      mx = (x1 + x2) / 2;
      my = Math.min(y1, y2) - lift * 0.75;
    }
    svg.appendChild(h('path', { d, class: `edge ${e.cls || ''}`, 'marker-end': 'url(#arrow)', dataset: { from: e.from, to: e.to } }));
    if (e.label != null) svg.appendChild(h('text', { x: mx, y: my - 3, 'text-anchor': 'middle', class: 'edge-label' }, String(e.label)));
  }
  for (const n of layout.nodes) {
    const g = h('g', { class: `node ${n.cls || ''}`, transform: `translate(${n.x},${n.y})`, dataset: { id: n.id }, tabindex: opts.onNodeClick ? 0 : null });
    g.appendChild(h('rect', { width: n.w, height: n.h, rx: 6, ry: 6, style: n.color ? `stroke:${n.color}` : null }));
    if (n.color) g.appendChild(h('rect', { width: 6, height: n.h, rx: 3, ry: 3, class: 'node-stripe', style: `fill:${n.color}` }));
    n.lines.forEach((line, i) => g.appendChild(h('text', { x: 14, y: 18 + i * 16, class: i === 0 ? 'node-title' : 'node-sub' }, line)));
    if (n.title) g.appendChild(h('title', null, n.title));
    if (opts.onNodeClick) {
      g.addEventListener('click', () => opts.onNodeClick(n));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') opts.onNodeClick(n);
      });
    }
    svg.appendChild(g);
  }
  return h('div', { class: 'graph-wrap' }, svg);
}
