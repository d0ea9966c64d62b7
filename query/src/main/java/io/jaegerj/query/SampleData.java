// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.json.UiJsonWriter;

/**
 * The fixed payloads of {@code /api/deep-dependencies} and {@code /api/quality-metrics}: Jaeger serves hard-coded
 * samples there too; only the JSON shape matters to the UI. The content below is our own.
 */
final class SampleData {
  private SampleData() {}

  static String deepDependencies(String focal) {
    String s = focal == null || focal.isEmpty() ? "customer" : focal;
    String q = UiJsonWriter.goQuote(s);
    return "{\"dependencies\":["
        + "{\"path\":[{\"service\":\"frontend\",\"operation\":\"HTTP GET /dispatch\"},"
        + "{\"service\":" + q + ",\"operation\":\"HTTP GET /customer\"}],"
        + "\"attributes\":[{\"key\":\"exemplar_trace_id\",\"value\":\"5af7183fb1d4cf5f\"}]},"
        + "{\"path\":[{\"service\":" + q + ",\"operation\":\"HTTP GET /customer\"},"
        + "{\"service\":\"mysql\",\"operation\":\"SQL SELECT\"}],"
        + "\"attributes\":[{\"key\":\"exemplar_trace_id\",\"value\":\"6b08294fc2e5d060\"}]}]}";
  }

  static final String QUALITY_METRICS = "{"
      + "\"traceQualityDocumentationLink\":\"https://github.com/jaegertracing/jaeger-analytics-java#trace-quality-metrics\","
      + "\"bannerText\":{\"value\":\"Sample data: trace quality metrics are not computed by this server\"},"
      + "\"scores\":[{\"key\":\"coverage\",\"label\":\"Instrumentation Coverage\",\"max\":100,\"value\":90},"
      + "{\"key\":\"quality\",\"label\":\"Trace Quality\",\"max\":100,\"value\":85}],"
      + "\"metrics\":[{\"name\":\"Has server spans\",\"category\":\"coverage\","
      + "\"description\":\"Share of traces whose root span is a server span\","
      + "\"metricDocumentationLink\":\"https://www.jaegertracing.io/docs/\",\"metricWeight\":1,"
      + "\"passCount\":9,\"passExamples\":[],\"failureCount\":1,\"failureExamples\":[],"
      + "\"exemptionCount\":0,\"exemptionExamples\":[],\"details\":[]}],"
      + "\"clients\":[]}";
}
