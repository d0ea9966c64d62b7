// SPDX-License-Identifier: Apache-2.0
// Calls to the query service's /api, relative to the <base> of the page.
import { url } from './util.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function getJson(path, init) {
  const res = await fetch(url(path), init);
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!res.ok) {
    const msg =
      body && Array.isArray(body.errors) && body.errors.length ? body.errors.map((e) => e.msg).join('; ') : text.trim();
    throw new ApiError(res.status, msg || `${res.status} ${res.statusText}`);
  }
  return body;
}

function qs(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else sp.append(k, v);
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export const api = {
  services: async () => ((await getJson('api/services')).data || []).slice().sort(),
  operations: async (service) =>
    ((await getJson(`api/services/${encodeURIComponent(service)}/operations`)).data || []).slice().sort(),
  operationsWithKind: async (service, spanKind) =>
    (await getJson(`api/operations${qs({ service, spanKind })}`)).data || [],
  searchTraces: async (params) => getJson(`api/traces${qs(params)}`),
  trace: async (id) => {
    const body = await getJson(`api/traces/${encodeURIComponent(id)}`);
    return body.data && body.data[0];
  },
  // One page of a trace in timeline order with the whole trace's summary (our query only, for big traces).
  tracePage: async (id, offset, limit) => getJson(`api/trace-pages/${encodeURIComponent(id)}${qs({ offset, limit })}`),
  archive: async (id) => getJson(`api/archive/${encodeURIComponent(id)}`, { method: 'POST' }),
  dependencies: async (endTs, lookback) => (await getJson(`api/dependencies${qs({ endTs, lookback })}`)).data || [],
  metrics: async (kind, params) => getJson(`api/metrics/${kind}${qs(params)}`),
  transform: async (otlpText) =>
    (await getJson('api/transform', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: otlpText }))
      .data || [],
  qs,
};
