// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Unit tests of the UI's ES modules (trace model, critical path, layout, formatting, config merge) run in real
 * Chromium. The modules are served from the ui-static jar by a bare file server; no API is involved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiScriptsTest {
  private HttpServer files;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    browser = Browser.open();
    files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    files.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      byte[] body;
      String type;
      if (path.startsWith("/static/")) {
        try (InputStream in = UiScriptsTest.class.getClassLoader().getResourceAsStream("jaeger-ui" + path)) {
          if (in == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
          }
          body = in.readAllBytes();
        }
        type = path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css" : "text/plain";
      } else {
        body = "<!doctype html><html><head><base href=\"/\"></head><body></body></html>".getBytes(StandardCharsets.UTF_8);
        type = "text/html";
      }
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    files.start();
    browser.get("http://127.0.0.1:" + files.getAddress().getPort() + "/blank");
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (files != null) {
      files.stop(0);
    }
  }

  /** Runs an async function body with the named modules bound (e.g. {@code m.trace}) and returns its result. */
  private Object run(String body) {
    return browser.asyncJs(
        "const done = arguments[arguments.length - 1];"
            + "Promise.all(['trace-model', 'util', 'config', 'graph'].map(n => import('/static/js/' + n + '.js')))"
            + ".then(async ([trace, util, config, graph]) => { const m = { trace, util, config, graph };"
            + body
            + "}).then(done, e => done({ error: String(e && e.stack || e) }));");
  }

  private static final String SPANS =
      "const T = 'abc';"
          + "const sp = (id, parent, start, dur, svc, extra) => Object.assign({ traceID: T, spanID: id, operationName: 'op-' + id,"
          + "  references: parent ? [{ refType: 'CHILD_OF', traceID: T, spanID: parent }] : [], startTime: start, duration: dur,"
          + "  tags: [], logs: [], processID: svc, warnings: null }, extra || {});"
          + "const procs = { p1: { serviceName: 'front', tags: [] }, p2: { serviceName: 'back', tags: [] } };";

  @Test
  void transformTrace_buildsTreeDropsZeroStartsRenamesDuplicatesAndCountsErrors() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) run(SPANS
        + "const raw = { traceID: T, processes: procs, spans: ["
        + "  sp('b', 'a', 1010, 50, 'p2', { tags: [{ key: 'error', type: 'string', value: 'true' }] }),"
        + "  sp('a', null, 1000, 100, 'p1'),"
        + "  sp('c', 'a', 1005, 20, 'p2', { tags: [{ key: 'error', type: 'bool', value: true }] }),"
        + "  sp('c', 'a', 1006, 20, 'p2'),"
        + "  sp('z', null, 0, 5, 'p1'),"
        + "  sp('o', 'missing', 1020, 5, 'p1') ] };"
        + "const t = m.trace.transformTrace(raw);"
        + "return { order: t.spans.map(s => s.spanID), depth: t.spans.map(s => s.depth), roots: t.roots.map(s => s.spanID),"
        + "  name: t.traceName, errors: t.errors, services: t.services, duration: t.duration, traceDepth: t.depth };");
    assertThat(r).doesNotContainKey("error");
    assertThat(r.get("order")).isEqualTo(List.of("a", "c", "c_1", "b", "o"));
    assertThat(r.get("depth")).isEqualTo(List.of(0L, 1L, 1L, 1L, 0L));
    assertThat(r.get("roots")).isEqualTo(List.of("a", "o"));
    assertThat(r.get("name")).isEqualTo("front: op-a");
    assertThat(r.get("errors")).isEqualTo(2L);
    assertThat(r.get("duration")).isEqualTo(100L);
    assertThat(r.get("traceDepth")).isEqualTo(2L);
    assertThat(r.get("services")).isEqualTo(List.of(Map.of("name", "back", "count", 3L), Map.of("name", "front", "count", 2L)));
  }

  @Test
  void criticalPath_followsTheLastFinishingChildAndCoversTheRoot() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> segs = (List<Map<String, Object>>) run(SPANS
        + "const raw = { traceID: T, processes: procs, spans: ["
        + "  sp('r', null, 0 + 1000, 100, 'p1'), sp('a', 'r', 1010, 30, 'p2'), sp('b', 'r', 1050, 40, 'p2'),"
        + "  sp('a2', 'a', 1012, 5, 'p2'), sp('x', 'r', 1020, 25, 'p2') ] };"
        + "const t = m.trace.transformTrace(raw);"
        + "return m.trace.criticalPath(t).map(s => ({ id: s.spanID, start: s.start - 1000, end: s.end - 1000 }))"
        + "  .sort((p, q) => p.start - q.start);");
    // r covers 0-10, 45-50 and 90-100; b (50-90) finishes last; before it x (20-45); a is cut at x's start and
    // its own child a2 (12-17) sits on the path inside it.
    assertThat(segs).containsExactly(
        Map.of("id", "r", "start", 0L, "end", 10L),
        Map.of("id", "a", "start", 10L, "end", 12L),
        Map.of("id", "a2", "start", 12L, "end", 17L),
        Map.of("id", "a", "start", 17L, "end", 20L),
        Map.of("id", "x", "start", 20L, "end", 45L),
        Map.of("id", "r", "start", 45L, "end", 50L),
        Map.of("id", "b", "start", 50L, "end", 90L),
        Map.of("id", "r", "start", 90L, "end", 100L));
  }

  @Test
  void selfTimeAndStatistics_subtractTheUnionOfChildren() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) run(SPANS
        + "const raw = { traceID: T, processes: procs, spans: ["
        + "  sp('r', null, 1000, 100, 'p1'), sp('a', 'r', 1010, 30, 'p2'), sp('b', 'r', 1030, 30, 'p2'), sp('c', 'r', 1090, 40, 'p2') ] };"
        + "const t = m.trace.transformTrace(raw);"
        + "const stats = m.trace.statistics(t, s => s.serviceName);"
        + "return { self: m.trace.selfTime(t.spanMap.get('r')), back: stats.find(g => g.key === 'back') };");
    assertThat(r.get("self")).isEqualTo(40L);
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) r.get("back");
    assertThat(back).containsEntry("count", 3L).containsEntry("total", 100L).containsEntry("min", 30L).containsEntry("max", 40L);
  }

  @Test
  void pathCounts_countRootToSpanPaths() {
    Object r = run(SPANS
        + "const raw = { traceID: T, processes: procs, spans: ["
        + "  sp('r', null, 1000, 100, 'p1'), sp('a', 'r', 1010, 30, 'p2'), sp('b', 'r', 1030, 30, 'p2', { operationName: 'op-a' }) ] };"
        + "return [...m.trace.pathCounts(m.trace.transformTrace(raw)).entries()];");
    assertThat(r).isEqualTo(List.of(List.of("front::op-r", 1L), List.of("front::op-r\nback::op-a", 2L)));
  }

  @Test
  void layeredLayout_breaksCyclesAndKeepsNodesApart() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) run(
        "const l = m.graph.layeredLayout([{ id: 'a', lines: ['a'] }, { id: 'b', lines: ['b'] }, { id: 'c', lines: ['c'] },"
            + "  { id: 'd', lines: ['d'] }],"
            + "  [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }, { from: 'a', to: 'c' }, { from: 'c', to: 'd' }, { from: 'b', to: 'd' }]);"
            + "return l.nodes.map(n => ({ id: n.id, layer: n.layer, x: n.x, y: n.y, w: n.w, h: n.h }))"
            + "  .sort((p, q) => p.id < q.id ? -1 : 1);");
    assertThat(nodes).extracting(n -> n.get("layer")).containsExactly(0L, 1L, 1L, 2L);
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        Map<String, Object> p = nodes.get(i);
        Map<String, Object> q = nodes.get(j);
        boolean apart = num(p, "x") + num(p, "w") <= num(q, "x") || num(q, "x") + num(q, "w") <= num(p, "x")
            || num(p, "y") + num(p, "h") <= num(q, "y") || num(q, "y") + num(q, "h") <= num(p, "y");
        assertThat(apart).as("%s and %s overlap", p.get("id"), q.get("id")).isTrue();
      }
    }
  }

  /** Issue 18's System Architecture case: 10 services, 27 links, four of them closing cycles. */
  static final String SA_GRAPH =
      "const names = ['frontend', 'gateway', 'auth', 'users', 'orders', 'payments', 'inventory', 'shipping', 'redis', 'mysql'];"
          + "const links = [['frontend','gateway'],['frontend','auth'],['frontend','orders'],['gateway','auth'],['gateway','users'],"
          + "  ['gateway','orders'],['gateway','inventory'],['gateway','payments'],['auth','users'],['auth','redis'],['users','mysql'],"
          + "  ['users','redis'],['users','auth'],['orders','payments'],['orders','inventory'],['orders','shipping'],['orders','mysql'],"
          + "  ['orders','redis'],['payments','mysql'],['payments','users'],['payments','orders'],['inventory','mysql'],"
          + "  ['inventory','redis'],['inventory','orders'],['shipping','inventory'],['shipping','mysql'],['shipping','orders']];"
          + "const nodes = names.map(n => ({ id: n, lines: [n] }));"
          + "const edges = links.map(([a, b], i) => ({ from: a, to: b, label: String(1000 + i * 37) }));";

  /**
   * Renders the layered layout of {@link #SA_GRAPH} at 1400 px with the UI's stylesheet and measures the SVG as
   * drawn: crossings between the edges' curves (sampled; edges with a common end never count, as in the layered
   * count, nor do meetings within 6 px of an end), curves running through a node that is not their end, overlapping
   * labels, and each call-count label's distance to its own curve.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> systemArchitectureGeometry() {
    return (Map<String, Object>) run(SA_GRAPH
        + "document.body.innerHTML = ''; document.body.style.width = '1400px';"
        + "if (!document.querySelector('link[href$=\"app.css\"]')) { const css = document.createElement('link');"
        + "  css.rel = 'stylesheet'; css.href = '/static/app.css'; document.head.appendChild(css);"
        + "  await new Promise(r => { css.onload = r; css.onerror = r; }); }"
        + "const wrap = m.graph.renderGraph(m.graph.layeredLayout(nodes, edges), { className: 'dep-graph' });"
        + "document.body.appendChild(wrap);"
        + "const svg = wrap.querySelector('svg');"
        + "const paths = [...svg.querySelectorAll('path.edge')];"
        + "const sample = (p, k) => { const L = p.getTotalLength(); const pts = [];"
        + "  for (let i = 0; i <= k; i++) { const q = p.getPointAtLength(L * i / k); pts.push([q.x, q.y]); } return pts; };"
        + "const polys = paths.map(p => sample(p, 80));"
        + "const near = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 6;"
        + "const cross = (p, q, r, s) => { const d = (q[0]-p[0])*(s[1]-r[1]) - (q[1]-p[1])*(s[0]-r[0]); if (!d) return null;"
        + "  const t = ((r[0]-p[0])*(s[1]-r[1]) - (r[1]-p[1])*(s[0]-r[0])) / d; const u = ((r[0]-p[0])*(q[1]-p[1]) - (r[1]-p[1])*(q[0]-p[0])) / d;"
        + "  return t >= 0 && t < 1 && u >= 0 && u < 1 ? [p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])] : null; };"
        + "let crossings = 0;"
        + "const shareEnd = (p, q) => [p.dataset.from, p.dataset.to].some(n => n === q.dataset.from || n === q.dataset.to);"
        + "for (let a = 0; a < polys.length; a++) for (let b = a + 1; b < polys.length; b++) {"
        + "  if (shareEnd(paths[a], paths[b])) continue;"
        + "  const A = polys[a], B = polys[b]; const ends = [A[0], A[A.length-1], B[0], B[B.length-1]];"
        + "  for (let i = 0; i + 1 < A.length; i++) for (let j = 0; j + 1 < B.length; j++) {"
        + "    const x = cross(A[i], A[i+1], B[j], B[j+1]); if (x && !ends.some(e => near(e, x))) crossings++; } }"
        + "const boxes = [...svg.querySelectorAll('g.node')].map(g => { const t = g.transform.baseVal.consolidate().matrix;"
        + "  const r = g.querySelector('rect'); return { id: g.dataset.id, x: t.e, y: t.f, w: +r.getAttribute('width'), h: +r.getAttribute('height') }; });"
        + "let throughNodes = 0;"
        + "paths.forEach((p, i) => { for (const b of boxes) { if (b.id === p.dataset.from || b.id === p.dataset.to) continue;"
        + "  if (polys[i].some(([x, y]) => x > b.x + 2 && x < b.x + b.w - 2 && y > b.y + 2 && y < b.y + b.h - 2)) throughNodes++; } });"
        + "const labelGap = paths.map((p, i) => { const t = p.nextElementSibling;"
        + "  if (!t || !t.classList.contains('edge-label')) return 1e9;"
        + "  const bb = t.getBBox(); const c = [bb.x + bb.width / 2, bb.y + bb.height / 2];"
        + "  return Math.min(...sample(p, 400).map(q => Math.hypot(q[0] - c[0], q[1] - c[1]))); });"
        + "const lb = [...svg.querySelectorAll('text.edge-label')].map(t => t.getBBox());"
        + "let labelOverlaps = 0;"
        + "for (let i = 0; i < lb.length; i++) for (let j = i + 1; j < lb.length; j++) { const p = lb[i], q = lb[j];"
        + "  if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) labelOverlaps++; }"
        + "const labels = [...svg.querySelectorAll('text.edge-label')].map(t => t.textContent);"
        + "return { edges: paths.length, crossings, throughNodes, labelOverlaps, worstLabelGap: Math.max(...labelGap), labels: labels.length,"
        + "  distinctLabels: new Set(labels).size, width: svg.getBoundingClientRect().width };");
  }

  @Test
  void systemArchitecture_layeredLayoutOfTenServicesAnd27Links_fewCrossingsAndLabelsOnTheirEdges() {
    Map<String, Object> g = systemArchitectureGeometry();
    System.out.printf("UI SA layout: 10 services, %s links: %s crossings, %s curves through other nodes, %s pairs of"
        + " overlapping labels, worst label distance to its curve %.1f px%n", g.get("edges"), g.get("crossings"),
        g.get("throughNodes"), g.get("labelOverlaps"), num(g, "worstLabelGap"));
    browser.screenshot("system-architecture-27-links");
    assertThat(g.get("edges")).isEqualTo(27L);
    assertThat(g.get("labels")).isEqualTo(27L);
    assertThat(g.get("distinctLabels")).isEqualTo(27L);
    // The layout before barycentre ordering with dummy points drew this graph with 18 crossings, 21 curves through
    // other nodes (back edges arcing over the layers), 3 pairs of overlapping labels and a label 6.5 px off its curve.
    assertThat(((Number) g.get("crossings")).intValue()).isLessThanOrEqualTo(10);
    assertThat(g.get("throughNodes")).isEqualTo(0L);
    assertThat(g.get("labelOverlaps")).isEqualTo(0L);
    assertThat(num(g, "worstLabelGap")).isLessThanOrEqualTo(3.0);
    assertThat(num(g, "width")).isLessThanOrEqualTo(1400);
  }

  private static double num(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).doubleValue();
  }

  @Test
  void formatting_durationsLogfmtAndTemplates() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) run(
        "const ctx = { lookup: f => ({ traceID: 'abc', startTime: 1700000000000000 })[f.replace(/^trace\\./, '')] };"
            + "return { d: [999, 1500, 2500000, 61000000, 7260000000].map(m.util.fmtDuration),"
            + "  lf: m.util.parseLogfmt('a=b c=\"d e\" flag'), bad: m.util.parseLogfmt('a=\"open'),"
            + "  back: m.util.toLogfmt({ a: 'b', c: 'd e' }),"
            + "  t1: m.config.fillTemplate('https://logs/?from=#{startTime | add -1000000 | epoch_micros_to_date_iso}&id=#{trace.traceID | pad_start 6 0}', ctx),"
            + "  t2: m.config.fillTemplate('https://x/#{missing}', ctx),"
            + "  valid: ['1.5s', '100ms', '20us', '3m', 'abc', '1d'].map(m.util.isValidDuration) };");
    assertThat(r.get("d")).isEqualTo(List.of("999μs", "1.5ms", "2.5s", "1m 1s", "2h 1m"));
    assertThat(r.get("lf")).isEqualTo(Map.of("a", "b", "c", "d e", "flag", "true"));
    assertThat(r.get("bad")).isNull();
    assertThat(r.get("back")).isEqualTo("a=b c=\"d e\"");
    assertThat(r.get("t1")).isEqualTo("https://logs/?from=2023-11-14T22:13:19.000Z&id=000abc");
    assertThat(r.get("t2")).isNull();
    assertThat(r.get("valid")).isEqualTo(List.of(true, true, true, true, false, false));
  }

  @Test
  void mergeConfig_mergesThreeObjectsOneLevelAndMapsDeprecatedKeys() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) run(
        "const c = m.config.mergeConfig({ dependencies: { menuEnabled: false }, search: { maxLimit: 50 },"
            + "  monitor: { menuEnabled: false }, menu: [], gaTrackingID: 'UA-1', dependenciesMenuEnabled: true });"
            + "return { deps: c.dependencies, search: c.search, monitor: c.monitor, menu: c.menu, tracking: c.tracking,"
            + "  archive: c.archiveEnabled, defaults: m.config.mergeConfig(undefined).search };");
    assertThat(r.get("deps")).isEqualTo(Map.of("menuEnabled", true, "dagMaxNumServices", 500L));
    assertThat(r.get("search")).isEqualTo(Map.of("maxLimit", 50L, "maxLookback", Map.of("label", "2 Days", "value", "2d")));
    assertThat(r.get("monitor")).isEqualTo(Map.of("menuEnabled", false));
    assertThat(r.get("menu")).isEqualTo(List.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> tracking = (Map<String, Object>) r.get("tracking");
    assertThat(tracking).containsEntry("gaID", "UA-1").containsEntry("trackErrors", true);
    assertThat(r.get("archive")).isEqualTo(true);
    assertThat(r.get("defaults")).isEqualTo(Map.of("maxLimit", 1500L, "maxLookback", Map.of("label", "2 Days", "value", "2d")));
  }
}
