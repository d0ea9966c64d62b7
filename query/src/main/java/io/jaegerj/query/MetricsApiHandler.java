// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.spm.MetricFamily;
import io.jaegerj.spm.MetricsJson;
import io.jaegerj.spm.MetricsQuery;
import io.jaegerj.spm.MetricsReader;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * The Monitor tab's endpoints (spec query.md §2, SPM): {@code /api/metrics/{latencies,calls,errors}} answer a bare
 * MetricFamily in proto3 JSON, {@code /api/metrics/minstep} the /api envelope; 501 when no metrics store is set.
 */
final class MetricsApiHandler {
  static final String METRICS_DISABLED = "metrics querying is currently disabled";
  private static final HttpErrors.Envelope ERRORS = HttpErrors.Envelope.API;

  private final MetricsReader metrics;
  private final Clock clock;

  /** @param metrics the metrics store, null when {@code METRICS_STORAGE_TYPE} is unset (501) */
  MetricsApiHandler(MetricsReader metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  List<HttpRoute> routes() {
    return List.of(
        HttpRoute.get("/api/metrics/latencies", ERRORS, (req, r) -> family(req, r, "latencies")),
        HttpRoute.get("/api/metrics/calls", ERRORS, (req, r) -> family(req, r, "calls")),
        HttpRoute.get("/api/metrics/errors", ERRORS, (req, r) -> family(req, r, "errors")),
        HttpRoute.get("/api/metrics/minstep", ERRORS, this::minStep));
  }

  private MetricsReader reader() {
    if (metrics == null) {
      throw new HttpErrors.StatusException(HttpResponseStatus.NOT_IMPLEMENTED, METRICS_DISABLED);
    }
    return metrics;
  }

  /** The parameters are checked first, so a bad request is a 400 even when metrics are off. */
  private void family(HttpRoute.Request req, HttpReply r, String what) throws IOException {
    MetricsQuery q = req.params().metrics(what.equals("latencies"), clock.millis(), BearerToken.current())
        .withTenant(req.tenant());
    MetricsReader reader = reader();
    MetricFamily family;
    switch (what) {
      case "latencies":
        family = reader.latencies(q);
        break;
      case "calls":
        family = reader.callRates(q);
        break;
      default:
        family = reader.errorRates(q);
        break;
    }
    r.bytes(HttpReply.JSON, MetricsJson.write(family));
  }

  private void minStep(HttpRoute.Request req, HttpReply r) throws IOException {
    long step = reader().minStepMillis();
    ApiHandler.reply(r, req.params(), g -> g.writeNumber(step), 0, null);
  }
}
