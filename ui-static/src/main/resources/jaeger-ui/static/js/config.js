// SPDX-License-Identifier: Apache-2.0
// UI configuration: defaults of jaeger-ui v1.74 merged with what the query service injected into index.html.

export const DEFAULTS = Object.freeze({
  archiveEnabled: true,
  criticalPathEnabled: true,
  dependencies: { dagMaxNumServices: 500, menuEnabled: true },
  menu: [
    {
      label: 'About Jaeger',
      items: [
        { label: 'Website/Docs', url: 'https://www.jaegertracing.io/' },
        { label: 'GitHub', url: 'https://github.com/jaegertracing/jaeger' },
      ],
    },
  ],
  search: { maxLookback: { label: '2 Days', value: '2d' }, maxLimit: 1500 },
  traceIdDisplayLength: 7,
  tracking: { gaID: null, trackErrors: true, customWebAnalytics: null },
  linkPatterns: [],
  monitor: {
    menuEnabled: true,
    emptyState: {
      mainTitle: 'Get started with Service Performance Monitoring',
      subTitle:
        'The query service answered that metrics querying is disabled. Configure a metrics backend (METRICS_STORAGE_TYPE=prometheus) fed by span metrics to see request rates, error rates and latencies here.',
    },
    docsLink: 'https://www.jaegertracing.io/docs/latest/spm/',
  },
  disableFileUploadControl: false,
  disableJsonView: false,
  forbidNewPage: false,
  deepDependencies: { menuEnabled: false },
  qualityMetrics: { menuEnabled: false, menuLabel: 'Trace Quality', apiEndpoint: '/api/quality-metrics' },
  traceDiff: { helpLink: 'https://medium.com/jaegertracing/trace-comparisons-arrive-in-jaeger-1-7-a97ad5e2d05d' },
});

const MERGED_ONE_LEVEL = ['dependencies', 'search', 'tracking'];

/** Merges an injected config over the defaults as jaeger-ui does (three objects one level deep, others replaced). */
export function mergeConfig(embedded) {
  const out = JSON.parse(JSON.stringify(DEFAULTS));
  out.tracking.customWebAnalytics = null;
  if (!embedded || typeof embedded !== 'object') return out;
  const cfg = { ...embedded };
  if ('dependenciesMenuEnabled' in cfg) {
    cfg.dependencies = { ...(cfg.dependencies || {}), menuEnabled: cfg.dependenciesMenuEnabled };
    delete cfg.dependenciesMenuEnabled;
  }
  if ('gaTrackingID' in cfg) {
    cfg.tracking = { ...(cfg.tracking || {}), gaID: cfg.gaTrackingID };
    delete cfg.gaTrackingID;
  }
  for (const k of Object.keys(cfg)) {
    if (MERGED_ONE_LEVEL.includes(k) && cfg[k] && typeof cfg[k] === 'object') out[k] = { ...out[k], ...cfg[k] };
    else out[k] = cfg[k];
  }
  return out;
}

function embeddedConfig() {
  try {
    // A .js config file defines UIConfig(); a .json one replaces JAEGER_CONFIG.
    if (typeof window.UIConfig === 'function') return window.UIConfig();
  } catch (e) {
    console.error('UIConfig() failed', e);
  }
  return window.JAEGER_CONFIG;
}

export const config = mergeConfig(embeddedConfig());
config.storageCapabilities = window.JAEGER_STORAGE_CAPABILITIES || { archiveStorage: false };
export const version = window.JAEGER_VERSION || {};

/** Whether the Archive button should be offered. */
export function archiveAvailable() {
  return !!(config.archiveEnabled && config.storageCapabilities && config.storageCapabilities.archiveStorage);
}

/** Lookback choices of the search form, capped by search.maxLookback. */
export const LOOKBACKS = [
  ['5m', 'Last 5 Minutes'], ['15m', 'Last 15 Minutes'], ['30m', 'Last 30 Minutes'], ['1h', 'Last Hour'],
  ['2h', 'Last 2 Hours'], ['3h', 'Last 3 Hours'], ['6h', 'Last 6 Hours'], ['12h', 'Last 12 Hours'],
  ['24h', 'Last 24 Hours'], ['2d', 'Last 2 Days'], ['3d', 'Last 3 Days'], ['5d', 'Last 5 Days'],
  ['7d', 'Last 7 Days'], ['2w', 'Last 2 Weeks'], ['3w', 'Last 3 Weeks'], ['4w', 'Last 4 Weeks'],
];

const UNIT_US = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6, w: 604800e6 };

/** "2d" → microseconds; NaN when malformed. */
export function lookbackMicros(v) {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d|w)$/.exec(String(v || '').trim());
  return m ? Number(m[1]) * UNIT_US[m[2]] : NaN;
}

export function lookbackChoices() {
  const max = config.search && config.search.maxLookback ? lookbackMicros(config.search.maxLookback.value) : Infinity;
  return LOOKBACKS.filter(([v]) => !(lookbackMicros(v) > max));
}

/** Builds link-pattern links for a key/value of a section ("process", "tags", "logs") or for the trace. */
export function linksFor(type, key, ctx) {
  const out = [];
  for (const p of config.linkPatterns || []) {
    const types = Array.isArray(p.type) ? p.type : [p.type];
    if (!types.includes(type)) continue;
    if (type !== 'traces' && p.key !== key && !(Array.isArray(p.key) && p.key.includes(key))) continue;
    const href = fillTemplate(p.url, ctx);
    const text = fillTemplate(p.text, ctx);
    if (href != null) out.push({ url: href, text: text == null ? href : text });
  }
  return out;
}

const FORMATTERS = {
  epoch_micros_to_date_iso: (v) => new Date(Number(v) / 1000).toISOString(),
  pad_start: (v, len, ch) => String(v).padStart(Number(len), ch == null ? ' ' : ch),
  add: (v, n) => Number(v) + Number(n),
};

/** Replaces #{field | fn args | fn} placeholders; null when a field is missing. */
export function fillTemplate(template, ctx) {
  if (typeof template !== 'string') return null;
  let missing = false;
  const out = template.replace(/#\{([^}]+)\}/g, (_, expr) => {
    const [field, ...fns] = expr.split('|').map((s) => s.trim());
    let v = ctx.lookup(field);
    if (v === undefined) {
      missing = true;
      return '';
    }
    for (const f of fns) {
      const [name, ...args] = f.split(/\s+/);
      if (FORMATTERS[name]) v = FORMATTERS[name](v, ...args);
    }
    return encodeURIComponent(String(v)).replace(/%2F/g, '/').replace(/%3A/g, ':');
  });
  return missing ? null : out;
}
