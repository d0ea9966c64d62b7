// SPDX-License-Identifier: Apache-2.0
// A layered (left-to-right) graph layout and its SVG rendering, shared by the System Architecture page, the deep
// dependency graph and the trace graph. Cycles are broken by reversing back edges for layering only; edges spanning
// several layers pass through dummy points, and barycentre sweeps with adjacent swaps order each layer.
import { h } from './util.js';

/**
 * nodes: [{id, lines: [string...], cls?, color?}], edges: [{from, to, label?, cls?}].
 * Returns {nodes: [{...node, x, y, w, h, layer}], edges: [{...edge, points, back}], width, height, crossings}: each
 * edge's route from its source to its target ([x, y] points, through a dummy point in every layer it spans), and the
 * number of crossings between layers of the ordering kept.
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
  // An edge spanning several layers gets a dummy point in each layer it passes, so the ordering below sees it and
  // its curve runs between the nodes instead of over them. Reversed (back) edges are laid out forwards like any
  // other and drawn backwards.
  const chains = dagEdges.map((e, i) => {
    const [a, b] = back.has(i) ? [e.to, e.from] : [e.from, e.to];
    const chain = [a];
    for (let l = layer.get(a) + 1; l < layer.get(b); l++) {
      const id = `\u0000${i}:${l}`;
      byId.set(id, { id, dummy: true, lines: [''], out: [], in: [] });
      layers[l].push(id);
      chain.push(id);
    }
    chain.push(b);
    for (let k = 0; k + 1 < chain.length; k++) {
      byId.get(chain[k]).down = (byId.get(chain[k]).down || []).concat(chain[k + 1]);
      byId.get(chain[k + 1]).up = (byId.get(chain[k + 1]).up || []).concat(chain[k]);
    }
    return chain;
  });
  const ups = (id) => byId.get(id).up || [];
  const downs = (id) => byId.get(id).down || [];
  // Barycentre ordering: sweeps down (by the positions of the layer above) and up (of the layer below), each
  // followed by adjacent swaps that remove crossings; the ordering with the fewest crossings is kept. Sorting is
  // stable and ties keep the current order, so the same input always gives the same drawing.
  const pos = new Map();
  const index = () => layers.forEach((ids) => ids.forEach((id, i) => pos.set(id, i)));
  index();
  const crossingsBetween = (upper) => {
    const segs = [];
    for (const id of upper) for (const to of downs(id)) segs.push([pos.get(id), pos.get(to)]);
    let c = 0;
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        if ((segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < 0) c++;
      }
    }
    return c;
  };
  const crossings = () => layers.slice(0, -1).reduce((sum, ids) => sum + crossingsBetween(ids), 0);
  // Crossings among the edges of u and v (u left of v) towards the neighbour lists' positions.
  const pairCrossings = (u, v, nb) => {
    let c = 0;
    for (const x of nb(u)) for (const y of nb(v)) if (pos.get(x) > pos.get(y)) c++;
    return c;
  };
  const transpose = (ids) => {
    for (let round = 0, improved = true; improved && round < 20; round++) {
      improved = false;
      for (let i = 0; i + 1 < ids.length; i++) {
        const u = ids[i];
        const v = ids[i + 1];
        const now = pairCrossings(u, v, ups) + pairCrossings(u, v, downs);
        const swapped = pairCrossings(v, u, ups) + pairCrossings(v, u, downs);
        if (swapped < now) {
          ids[i] = v;
          ids[i + 1] = u;
          pos.set(v, i);
          pos.set(u, i + 1);
          improved = true;
        }
      }
    }
  };
  let best = crossings();
  let bestLayers = layers.map((ids) => ids.slice());
  const sweeps = opts.sweeps == null ? 12 : opts.sweeps;
  for (let sweep = 0; sweep < sweeps && best > 0; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const ids of order) {
      const bc = new Map(ids.map((id) => {
        const ns = down ? ups(id) : downs(id);
        return [id, ns.length ? ns.reduce((s, x) => s + pos.get(x), 0) / ns.length : pos.get(id)];
      }));
      ids.sort((a, b) => bc.get(a) - bc.get(b) || pos.get(a) - pos.get(b));
      ids.forEach((id, i) => pos.set(id, i));
      transpose(ids);
    }
    const c = crossings();
    if (c < best) {
      best = c;
      bestLayers = layers.map((ids) => ids.slice());
    }
  }
  bestLayers.forEach((ids, l) => { layers[l] = ids; });
  index();
  const out = [];
  const real = (id) => !byId.get(id).dummy;
  const widths = layers.map((ids) => Math.max(120, ...ids.filter(real).map((id) => Math.max(...byId.get(id).lines.map((l) => l.length)) * charW + 24)));
  const dummyH = opts.dummyHeight || 18;
  const slot = (id) => (real(id) ? Math.max(nodeH, byId.get(id).lines.length * 16 + 12) + gapY : dummyH);
  const colH = layers.map((ids) => ids.reduce((s, id) => s + slot(id), 0) - gapY);
  const height = Math.max(...colH, nodeH) + 2 * gapY;
  const at = new Map();
  let x = 20;
  layers.forEach((ids, li) => {
    let y = gapY + (height - 2 * gapY - colH[li]) / 2;
    for (const id of ids) {
      const n = byId.get(id);
      if (n.dummy) {
        at.set(id, { x, y: y + dummyH / 2, w: widths[li] });
        y += dummyH;
        continue;
      }
      const hh = slot(id) - gapY;
      const placed = { ...n, x, y, w: widths[li], h: hh, layer: li };
      delete placed.up;
      delete placed.down;
      delete placed.out;
      delete placed.in;
      out.push(placed);
      at.set(id, placed);
      y += hh + gapY;
    }
    x += widths[li] + gapX;
  });
  // Each edge's route: out of the right side of the upper node, straight through the column of every dummy, into the
  // left side of the lower node; reversed for back edges so the arrow points at the edge's own target.
  const routed = dagEdges.map((e, i) => {
    const pts = [];
    chains[i].forEach((id, k) => {
      const p = at.get(id);
      if (byId.get(id).dummy) pts.push([p.x, p.y], [p.x + p.w, p.y]);
      else pts.push([k === 0 ? p.x + p.w : p.x, p.y + p.h / 2]);
    });
    return { ...e, points: back.has(i) ? pts.reverse() : pts, back: back.has(i) };
  });
  return { nodes: out, edges: routed, width: Math.max(x - gapX + 20, 200), height: height + 20, crossings: best };
}

/**
 * Force-directed layout (deterministic: nodes start on a circle in input order): springs along edges, repulsion
 * between every pair, a pull to the centre, a fixed number of cooling steps. Same input and output shapes as
 * layeredLayout; the result has straight: true so edges are drawn as straight arrows with their labels at the middle.
 */
export function forceLayout(nodes, edges, opts = {}) {
  const nodeH = opts.nodeHeight || 44;
  const charW = opts.charWidth || 7.2;
  const n = nodes.length;
  const pts = nodes.map((node, i) => {
    const a = (2 * Math.PI * i) / Math.max(n, 1);
    const w = Math.max(90, Math.max(...node.lines.map((l) => String(l).length)) * charW + 28);
    return { ...node, px: Math.cos(a) * 50 * Math.sqrt(n), py: Math.sin(a) * 50 * Math.sqrt(n), w, h: Math.max(nodeH, node.lines.length * 16 + 12) };
  });
  const index = new Map(pts.map((p, i) => [p.id, i]));
  const links = edges.filter((e) => index.has(e.from) && index.has(e.to) && e.from !== e.to)
    .map((e) => [index.get(e.from), index.get(e.to)]);
  const ideal = 190;
  let temp = 60;
  const steps = opts.steps || 300;
  for (let step = 0; step < steps; step++) {
    const fx = new Float64Array(n);
    const fy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pts[i].px - pts[j].px;
        let dy = pts[i].py - pts[j].py;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) { dx = 1; dy = 0; d2 = 1; }
        // Far-apart nodes (e.g. of separate components) stop pushing each other, so the centre pull keeps them near.
        if (d2 > 9 * ideal * ideal) continue;
        const f = (ideal * ideal) / d2;
        fx[i] += dx * f; fy[i] += dy * f; fx[j] -= dx * f; fy[j] -= dy * f;
      }
    }
    for (const [a, b] of links) {
      const dx = pts[b].px - pts[a].px;
      const dy = pts[b].py - pts[a].py;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const f = d / ideal;
      fx[a] += dx * f; fy[a] += dy * f; fx[b] -= dx * f; fy[b] -= dy * f;
    }
    for (let i = 0; i < n; i++) {
      fx[i] -= pts[i].px * 0.1;
      fy[i] -= pts[i].py * 0.1;
      const len = Math.sqrt(fx[i] * fx[i] + fy[i] * fy[i]) || 1;
      const move = Math.min(len, temp);
      pts[i].px += (fx[i] / len) * move;
      pts[i].py += (fy[i] / len) * move;
    }
    temp = Math.max(2, temp * 0.985);
  }
  // Boxes are wider than the points the forces move: push overlapping boxes apart (with a margin) along the axis
  // where they overlap least, until none overlaps or the passes run out.
  const margin = 16;
  for (let pass = 0; pass < 200; pass++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = pts[i];
        const b = pts[j];
        const ox = (a.w + b.w) / 2 + margin - Math.abs(a.px - b.px);
        const oy = (a.h + b.h) / 2 + margin - Math.abs(a.py - b.py);
        if (ox <= 0 || oy <= 0) continue;
        moved = true;
        if (ox < oy) {
          const d = (a.px < b.px || (a.px === b.px && i < j) ? -1 : 1) * (ox / 2 + 0.5);
          a.px += d;
          b.px -= d;
        } else {
          const d = (a.py < b.py || (a.py === b.py && i < j) ? -1 : 1) * (oy / 2 + 0.5);
          a.py += d;
          b.py -= d;
        }
      }
    }
    if (!moved) break;
  }
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of pts) {
    minX = Math.min(minX, p.px - p.w / 2); maxX = Math.max(maxX, p.px + p.w / 2);
    minY = Math.min(minY, p.py - p.h / 2); maxY = Math.max(maxY, p.py + p.h / 2);
  }
  const out = pts.map(({ px, py, ...p }) => ({ ...p, x: px - p.w / 2 - minX + 20, y: py - p.h / 2 - minY + 20 }));
  return { nodes: out, edges: edges.filter((e) => index.has(e.from) && index.has(e.to) && e.from !== e.to),
    width: n ? maxX - minX + 40 : 200, height: n ? maxY - minY + 40 : 100, straight: true };
}

/** Where the straight line from the centre of a node towards (tx, ty) leaves its box. */
function boxExit(n, tx, ty) {
  const cx = n.x + n.w / 2;
  const cy = n.y + n.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (!dx && !dy) return [cx, cy];
  const s = Math.min(dx ? n.w / 2 / Math.abs(dx) : Infinity, dy ? n.h / 2 / Math.abs(dy) : Infinity);
  return [cx + dx * s, cy + dy * s];
}

/**
 * Where a label of `chars` characters goes on a route of points joined by symmetric curves (as renderGraph draws
 * them): a point on the curve whose label box overlaps no box in `placed` (which it then joins), or the middle of
 * the middle piece if every candidate is taken.
 */
function labelSpot(pts, chars, placed) {
  const w = chars * 6.8 + 6;
  const hh = 14;
  const pieces = [];
  for (let k = 0; k + 1 < pts.length; k++) pieces.push(k);
  const mid = (pts.length - 2) / 2;
  pieces.sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid) || a - b);
  const at = (k, t) => {
    const [x1, y1] = pts[k];
    const [x2, y2] = pts[k + 1];
    // The cubic from (x1, y1) through control points (x1 + c, y1) and (x2 - c, y2) to (x2, y2), c = (x2 - x1) / 2.
    const c = (x2 - x1) / 2;
    const s = 1 - t;
    const b = [s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t];
    return [b[0] * x1 + b[1] * (x1 + c) + b[2] * (x2 - c) + b[3] * x2, (b[0] + b[1]) * y1 + (b[2] + b[3]) * y2];
  };
  const free = ([x, y]) => placed.every((b) => Math.abs(b[0] - x) * 2 >= b[2] + w || Math.abs(b[1] - y) * 2 >= hh * 2);
  let spot = null;
  for (const k of pieces) {
    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
      const p = at(k, t);
      if (free(p)) {
        spot = p;
        break;
      }
    }
    if (spot) break;
  }
  if (!spot) spot = at(pieces[0], 0.5);
  placed.push([spot[0], spot[1], w]);
  return spot;
}

/** Renders a layout as an SVG element inside a scrollable container. */
export function renderGraph(layout, opts = {}) {
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const svg = h('svg', { class: `graph ${opts.className || ''}`, width: layout.width, height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img', 'aria-label': opts.label || 'Graph' },
  h('defs', null, h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    h('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))));
  const placed = [];
  for (const e of layout.edges) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (!a || !b) continue;
    let d;
    let mx;
    let my;
    if (e.points) {
      const pts = e.points;
      d = `M${pts[0][0]},${pts[0][1]}`;
      for (let k = 0; k + 1 < pts.length; k++) {
        const [x1, y1] = pts[k];
        const [x2, y2] = pts[k + 1];
        const c = (x2 - x1) / 2;
        d += y1 === y2 ? ` L${x2},${y2}` : ` C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}`;
      }
      // The label is centred on a point of its own curve (below): the middle of the middle piece if no label is
      // there yet, else the first free one of a few other points along the pieces, middle pieces first.
      [mx, my] = e.label == null ? [0, 0] : labelSpot(pts, String(e.label).length, placed);
      my += 3;
    } else {
      const [x1, y1] = boxExit(a, b.x + b.w / 2, b.y + b.h / 2);
      const [x2, y2] = boxExit(b, a.x + a.w / 2, a.y + a.h / 2);
      d = `M${x1},${y1} L${x2},${y2}`;
      mx = (x1 + x2) / 2;
      my = (y1 + y2) / 2 + 4;
    }
    svg.appendChild(h('path', { d, class: `edge${e.back ? ' edge-back' : ''} ${e.cls || ''}`, 'marker-end': 'url(#arrow)', dataset: { from: e.from, to: e.to } }));
    if (e.label != null) {
      svg.appendChild(h('text', { x: mx, y: my - 3, 'text-anchor': 'middle', 'dominant-baseline': e.points ? 'central' : null,
        class: 'edge-label', dataset: { from: e.from, to: e.to } }, String(e.label)));
    }
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
  return zoomable(svg, layout);
}

/**
 * Zoom, pan and fit for a rendered graph: the SVG fills the width of its container (no page scrolling), the
 * view box starts fitted to the whole layout; wheel or the +/− buttons zoom around the pointer or centre, dragging
 * the background pans, "Fit" shows everything again. The container's data-scale is the zoom factor (1 = fitted).
 */
function zoomable(svg, layout) {
  const full = { x: 0, y: 0, w: Math.max(layout.width, 1), h: Math.max(layout.height, 1) };
  let view = { ...full };
  svg.removeAttribute('width');
  svg.setAttribute('height', String(Math.min(layout.height, Math.max(window.innerHeight * 0.7, 320))));
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  svg.style.width = '100%';
  const wrap = h('div', { class: 'graph-wrap zoomable', dataset: { scale: '1' } });
  const apply = () => {
    svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
    wrap.dataset.scale = String(Math.round((full.w / view.w) * 1000) / 1000);
  };
  const zoom = (factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) => {
    const w = Math.min(Math.max(view.w / factor, full.w / 20), full.w * 4);
    const hh = (w / view.w) * view.h;
    view = { x: cx - ((cx - view.x) * w) / view.w, y: cy - ((cy - view.y) * hh) / view.h, w, h: hh };
    apply();
  };
  const toSvg = (e) => {
    const r = svg.getBoundingClientRect();
    const s = Math.max(view.w / r.width, view.h / r.height);
    const ox = (r.width * s - view.w) / 2;
    const oy = (r.height * s - view.h) / 2;
    return [view.x - ox + (e.clientX - r.left) * s, view.y - oy + (e.clientY - r.top) * s, s];
  };
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [x, y] = toSvg(e);
    zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, x, y);
  }, { passive: false });
  let drag = null;
  svg.addEventListener('mousedown', (e) => {
    if (e.button !== 0 || e.target.closest('g.node')) return;
    drag = { x: e.clientX, y: e.clientY, view: { ...view }, s: toSvg(e)[2] };
    wrap.classList.add('panning');
  });
  const onMove = (e) => {
    if (!drag) return;
    view = { ...drag.view, x: drag.view.x - (e.clientX - drag.x) * drag.s, y: drag.view.y - (e.clientY - drag.y) * drag.s };
    apply();
  };
  const onUp = () => {
    drag = null;
    wrap.classList.remove('panning');
  };
  svg.addEventListener('mousemove', onMove);
  svg.addEventListener('mouseup', onUp);
  svg.addEventListener('mouseleave', onUp);
  const btn = (cls, label, title, fn) => h('button', { type: 'button', class: `btn btn-small ${cls}`, title, 'aria-label': title, onclick: fn }, label);
  wrap.append(h('div', { class: 'graph-controls' },
    btn('graph-zoom-in', '+', 'Zoom in', () => zoom(1.25)),
    btn('graph-zoom-out', '−', 'Zoom out', () => zoom(1 / 1.25)),
    btn('graph-fit', 'Fit', 'Fit to screen', () => { view = { ...full }; apply(); })), svg);
  apply();
  return wrap;
}
