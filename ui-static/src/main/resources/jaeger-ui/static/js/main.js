// SPDX-License-Identifier: Apache-2.0
// Entry point: top navigation, client-side router (paths relative to <base>), theme toggle.
import { BASE, h, clear, url, routePath, navigate, setRouter } from './util.js';
import { config, version } from './config.js';
import { renderSearch } from './search.js';
import { renderTrace } from './trace.js';
import { renderCompare } from './compare.js';
import { renderDependencies, renderDeepDependencies } from './dependencies.js';
import { renderMonitor } from './monitor.js';

const app = document.getElementById('app');
let cleanup = null;

function params() {
  return new URLSearchParams(location.search);
}



function navLink(label, rel, active, extra) {
  return h('a', { href: url(rel), class: `nav-link${active ? ' active' : ''}`, ...extra }, label);
}

function menuItem(item) {
  const target = config.forbidNewPage ? undefined : item.anchorTarget || '_blank';
  if (Array.isArray(item.items)) {
    return h(
      'details',
      { class: 'nav-menu' },
      h('summary', { class: 'nav-link' }, item.label),
      h('div', { class: 'nav-menu-items' }, item.items.map((i) => h('a', { href: i.url, target, rel: 'noopener noreferrer' }, i.label)))
    );
  }
  return h('a', { class: 'nav-link', href: item.url, target, rel: 'noopener noreferrer' }, item.label);
}

function currentTheme() {
  const set = document.documentElement.getAttribute('data-theme');
  if (set) return set;
  return matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  document.documentElement.setAttribute('data-theme', next);
  try {
    localStorage.setItem('jaegerj.theme', next);
  } catch (e) {
    /* private mode: the choice lasts for this page only */
  }
  const b = document.getElementById('theme-toggle');
  if (b) b.textContent = next === 'dark' ? '☀ Light' : '☾ Dark';
}

function topNav(section) {
  const lookup = h('input', {
    type: 'search',
    name: 'idLookup',
    class: 'nav-lookup',
    placeholder: 'Lookup by Trace ID...',
    'aria-label': 'Lookup by Trace ID',
  });
  const form = h(
    'form',
    {
      class: 'nav-lookup-form',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        const ids = lookup.value.trim().split(/[\s,]+/).filter(Boolean);
        if (ids.length === 1) navigate(`trace/${encodeURIComponent(ids[0])}`);
        else if (ids.length > 1) navigate(`search?${ids.map((i) => `traceID=${encodeURIComponent(i)}`).join('&')}`);
      },
    },
    lookup
  );
  return h(
    'header',
    { class: 'topnav', role: 'banner' },
    h('a', { class: 'brand', href: url('search'), title: versionText() }, h('img', { src: url('static/favicon.svg'), alt: '', width: 22, height: 22 }), 'JAEGER UI'),
    h(
      'nav',
      { class: 'nav-main', 'aria-label': 'Main' },
      navLink('Search', 'search', section === 'search'),
      navLink('Compare', 'trace/...', section === 'compare'),
      config.dependencies && config.dependencies.menuEnabled !== false
        ? navLink('System Architecture', 'dependencies', section === 'dependencies')
        : null,
      config.deepDependencies && config.deepDependencies.menuEnabled
        ? navLink('Deep Dependency Graph', 'deep-dependencies', section === 'ddg')
        : null,
      config.monitor && config.monitor.menuEnabled !== false ? navLink('Monitor', 'monitor', section === 'monitor') : null
    ),
    form,
    h('div', { class: 'nav-right' }, (config.menu || []).map(menuItem), aboutMenu(),
      h('button', { id: 'theme-toggle', type: 'button', class: 'btn btn-ghost', onclick: toggleTheme, title: 'Switch light/dark theme' },
        currentTheme() === 'dark' ? '☀ Light' : '☾ Dark'))
  );
}

/** About menu: the version, commit and build date the query service injected (JAEGER_VERSION). */
function aboutMenu() {
  const v = version || {};
  const row = (label, value, id) => h('div', { class: 'about-row' }, h('span', { class: 'muted' }, label), ' ', h('span', { id }, value || 'unknown'));
  return h('details', { class: 'nav-menu', id: 'about-menu' },
    h('summary', { class: 'nav-link' }, 'About'),
    h('div', { class: 'nav-menu-items about-items' },
      h('strong', null, 'Jaeger UI (jaegerj)'),
      row('Version', v.gitVersion, 'about-version'),
      row('Commit', v.gitCommit, 'about-commit'),
      row('Built', v.buildDate, 'about-build-date')));
}

function versionText() {
  const v = version || {};
  return v.gitVersion ? `Jaeger UI, server ${v.gitVersion}${v.gitCommit ? ` (${v.gitCommit.slice(0, 7)})` : ''}${v.buildDate ? `, built ${v.buildDate}` : ''}` : 'Jaeger UI';
}

// Extra inline scripts from the UI configuration (config.scripts), run once at start.
for (const s of Array.isArray(config.scripts) ? config.scripts : []) {
  if (s && s.type === 'inline' && typeof s.text === 'string') {
    const el = document.createElement('script');
    el.text = s.text;
    document.head.appendChild(el);
  }
}

function notFound(main) {
  main.appendChild(
    h('div', { class: 'page-message', id: 'page-not-found' }, h('h2', null, 'Page not found'),
      h('p', null, 'There is nothing at ', h('code', null, location.pathname), '. '),
      h('a', { href: url('search') }, 'Go to search'))
  );
}

function route() {
  if (cleanup) {
    try {
      cleanup();
    } catch (e) {
      console.error(e);
    }
    cleanup = null;
  }
  const path = routePath();
  const p = params();
  const embedded = p.get('uiEmbed') === 'v0';
  let section = '';
  let page = null;
  if (path === '' || path === 'index.html') {
    history.replaceState(null, '', url(`search${location.search}`));
    return route();
  } else if (path === 'search') {
    section = 'search';
    page = renderSearch;
  } else if (path.startsWith('trace/')) {
    const id = decodeURIComponent(path.slice('trace/'.length));
    if (id.includes('...') || id === '') {
      section = 'compare';
      page = (main, q) => renderCompare(main, q, id);
    } else {
      section = 'trace';
      page = (main, q) => renderTrace(main, q, id);
    }
  } else if (path === 'dependencies') {
    section = 'dependencies';
    page = renderDependencies;
  } else if (path === 'deep-dependencies') {
    section = 'ddg';
    page = renderDeepDependencies;
  } else if (path === 'monitor') {
    section = 'monitor';
    page = renderMonitor;
  }
  clear(app);
  app.classList.toggle('embedded', embedded);
  if (!embedded) app.appendChild(topNav(section));
  const main = h('main', { class: `page page-${section || 'none'}`, id: 'main' });
  app.appendChild(main);
  if (page) cleanup = page(main, p) || null;
  else notFound(main);
}

// Intercept clicks on same-app links so navigation stays client-side.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const u = new URL(a.href, location.href);
  if (u.origin !== location.origin || !(u.pathname.startsWith(BASE) || u.pathname + '/' === BASE)) return;
  if (u.pathname.startsWith(`${BASE}api/`) || u.pathname.startsWith(`${BASE}static/`)) return;
  e.preventDefault();
  history.pushState(null, '', u.pathname + u.search + u.hash);
  route();
});
window.addEventListener('popstate', route);
setRouter(route);
route();
