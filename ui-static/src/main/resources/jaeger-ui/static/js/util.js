// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by every page: DOM building, formatting, URLs relative to <base>.

/** The base path of the app ("/" or "/jaeger/"), always ending with a slash; taken from <base href>. */
export const BASE = new URL('.', document.baseURI).pathname.replace(/\/?$/, '/');

/** Absolute path of a route or API path given relative to the base ("search", "api/services"). */
export function url(rel) {
  return BASE + String(rel).replace(/^\//, '');
}

/** Route path of the current location relative to the base, without leading slash ("", "search", "trace/abc"). */
export function routePath(pathname = location.pathname) {
  if (pathname.startsWith(BASE)) return pathname.slice(BASE.length);
  if (pathname + '/' === BASE) return '';
  return pathname.replace(/^\//, '');
}

/**
 * Creates an element. attrs: "class", "style" (string or object), "on<event>" handlers, "dataset", boolean
 * attributes, anything else as attribute; children: nodes, strings, numbers, arrays, null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const svg = SVG_TAGS.has(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value' && !svg) el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = !!v;
      else el.setAttribute(k === 'className' ? 'class' : k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

const SVG_TAGS = new Set(['svg', 'g', 'rect', 'circle', 'line', 'path', 'text', 'polyline', 'defs', 'marker', 'title', 'tspan']);

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Formats a duration in microseconds the way Jaeger's UI does: 1.23s, 45.6ms, 789μs, 2m 3s. */
export function fmtDuration(us) {
  if (!isFinite(us)) return '';
  const abs = Math.abs(us);
  if (abs < 1000) return `${round(us, 2)}μs`;
  if (abs < 1e6) return `${round(us / 1000, 2)}ms`;
  if (abs < 60e6) return `${round(us / 1e6, 2)}s`;
  if (abs < 3600e6) {
    const m = Math.floor(abs / 60e6);
    const s = Math.round((abs - m * 60e6) / 1e6);
    return `${us < 0 ? '-' : ''}${m}m${s ? ` ${s}s` : ''}`;
  }
  const hh = Math.floor(abs / 3600e6);
  const m = Math.round((abs - hh * 3600e6) / 60e6);
  return `${us < 0 ? '-' : ''}${hh}h${m ? ` ${m}m` : ''}`;
}

function round(n, digits) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const pad2 = (n) => String(n).padStart(2, '0');

/** "2024-01-02 15:04:05.678" in local time from microseconds. */
export function fmtDateTime(us) {
  const d = new Date(us / 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(
    d.getMinutes()
  )}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function fmtTime(us) {
  const d = new Date(us / 1000);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "5 minutes ago" style text. */
export function fmtRelative(us, nowMs = Date.now()) {
  const sec = Math.round((nowMs - us / 1000) / 1000);
  if (sec < 0) return 'in the future';
  if (sec < 60) return `${sec} second${sec === 1 ? '' : 's'} ago`;
  const min = Math.round(sec / 60);
  if (min < 60) return `${min} minute${min === 1 ? '' : 's'} ago`;
  const hr = Math.round(min / 60);
  if (hr < 48) return `${hr} hour${hr === 1 ? '' : 's'} ago`;
  const days = Math.round(hr / 24);
  return `${days} days ago`;
}

/** Stable colour per service name, from a palette readable on light and dark backgrounds. */
const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#3f51b5', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#00897b', '#dbdb8d', '#9edae5',
];
const colorCache = new Map();
/** Colour of a service: a hash of its name, so every page and every visit agrees. */
export function serviceColor(name) {
  let c = colorCache.get(name);
  if (!c) {
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
    c = PALETTE[Math.abs(hash) % PALETTE.length];
    colorCache.set(name, c);
  }
  return c;
}

/** Parses logfmt "a=b c=\"d e\"" into an object of strings; returns null on malformed input. */
export function parseLogfmt(text) {
  const out = {};
  const s = (text || '').trim();
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    let key = '';
    while (i < s.length && s[i] !== '=' && s[i] !== ' ') key += s[i++];
    if (!key) return null;
    if (s[i] !== '=') {
      out[key] = 'true';
      continue;
    }
    i++;
    let val = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        val += s[i++];
      }
      if (s[i] !== '"') return null;
      i++;
    } else {
      while (i < s.length && s[i] !== ' ') val += s[i++];
    }
    out[key] = val;
  }
  return out;
}

/** Turns {a: "b", c: "d e"} back into logfmt. */
export function toLogfmt(obj) {
  return Object.entries(obj || {})
    .map(([k, v]) => (/[\s"=]/.test(v) || v === '' ? `${k}="${String(v).replace(/"/g, '\\"')}"` : `${k}=${v}`))
    .join(' ');
}

/** Validates "100ms", "1.5s", "20us" durations as accepted by the search form. */
export function isValidDuration(s) {
  return !s || /^\d+(\.\d+)?(us|µs|ms|s|m|h)$/.test(s.trim());
}

/** Downloads text as a file. */
export function download(filename, text, type = 'application/json') {
  const blob = new Blob([text], { type });
  const a = h('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 0);
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** Value of a tag as shown to users. */
export function tagText(kv) {
  if (kv.value === null || kv.value === undefined) return '';
  return typeof kv.value === 'object' ? JSON.stringify(kv.value) : String(kv.value);
}

export function shortId(id, len = 7) {
  return String(id || '').slice(0, len);
}

let router = null;

/** Registers the function that renders the current location (set once by main.js). */
export function setRouter(fn) {
  router = fn;
}

/** Navigates inside the app (rel is relative to the base path and may carry a query string). */
export function navigate(rel, replace = false) {
  const target = url(rel);
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  if (router) router();
}

export function isEmbedded(p = new URLSearchParams(location.search)) {
  return p.get('uiEmbed') === 'v0';
}

/** Traces the user opened from a file or a search, by trace ID, so the trace page can show uploaded traces. */
export const traceCache = new Map();
