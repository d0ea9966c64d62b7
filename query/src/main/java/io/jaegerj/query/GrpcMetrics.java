// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jaegerj.proto.api_v2.metrics.GaugeValue;
import io.jaegerj.proto.api_v2.metrics.GetCallRatesRequest;
import io.jaegerj.proto.api_v2.metrics.GetErrorRatesRequest;
import io.jaegerj.proto.api_v2.metrics.GetLatenciesRequest;
import io.jaegerj.proto.api_v2.metrics.GetMetricsResponse;
import io.jaegerj.proto.api_v2.metrics.GetMinStepDurationRequest;
import io.jaegerj.proto.api_v2.metrics.GetMinStepDurationResponse;
import io.jaegerj.proto.api_v2.metrics.Label;
import io.jaegerj.proto.api_v2.metrics.Metric;
import io.jaegerj.proto.api_v2.metrics.MetricPoint;
import io.jaegerj.proto.api_v2.metrics.MetricType;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryBaseRequest;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryServiceGrpc;
import io.jaegerj.proto.api_v2.metrics.SpanKind;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.spm.MetricFamily;
import io.jaegerj.spm.MetricsQuery;
import io.jaegerj.spm.MetricsReader;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jaeger.api_v2.metrics.MetricsQueryService} on 16685: the same readers and defaults as {@code /api/metrics};
 * {@code UNIMPLEMENTED} when no metrics store is configured, {@code INVALID_ARGUMENT} for a bad request,
 * {@code INTERNAL} when the store fails.
 */
final class GrpcMetrics extends MetricsQueryServiceGrpc.MetricsQueryServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcMetrics.class);

  private final MetricsReader reader;
  private final Clock clock;
  private final Tenancy tenancy;

  /** @param reader null when metrics are disabled */
  GrpcMetrics(MetricsReader reader, Clock clock, Tenancy tenancy) {
    this.reader = reader;
    this.clock = clock;
    this.tenancy = tenancy;
  }

  @Override
  public void getMinStepDuration(GetMinStepDurationRequest request,
      StreamObserver<GetMinStepDurationResponse> out) {
    if (disabled(out)) {
      return;
    }
    long ms = reader.minStepMillis();
    out.onNext(GetMinStepDurationResponse.newBuilder()
        .setMinStep(Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000)).build());
    out.onCompleted();
  }

  @Override
  public void getLatencies(GetLatenciesRequest request, StreamObserver<GetMetricsResponse> out) {
    if (disabled(out)) {
      return;
    }
    if (request.getQuantile() <= 0 || request.getQuantile() > 1) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("please provide a quantile between (0, 1]")
          .asRuntimeException());
      return;
    }
    answer(request.hasBaseRequest() ? request.getBaseRequest() : null, request.getQuantile(), out, reader::latencies);
  }

  @Override
  public void getCallRates(GetCallRatesRequest request, StreamObserver<GetMetricsResponse> out) {
    if (disabled(out)) {
      return;
    }
    answer(request.hasBaseRequest() ? request.getBaseRequest() : null, 0, out, reader::callRates);
  }

  @Override
  public void getErrorRates(GetErrorRatesRequest request, StreamObserver<GetMetricsResponse> out) {
    if (disabled(out)) {
      return;
    }
    answer(request.hasBaseRequest() ? request.getBaseRequest() : null, 0, out, reader::errorRates);
  }

  private interface Call {
    MetricFamily apply(MetricsQuery q) throws IOException;
  }

  private boolean disabled(StreamObserver<?> out) {
    if (reader == null) {
      out.onError(Status.UNIMPLEMENTED.withDescription(MetricsApiHandler.METRICS_DISABLED).asRuntimeException());
      return true;
    }
    return false;
  }

  private void answer(MetricsQueryBaseRequest base, double quantile, StreamObserver<GetMetricsResponse> out,
      Call call) {
    MetricsQuery q;
    try {
      q = query(base, quantile);
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    MetricFamily family;
    try {
      family = call.apply(q);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Metrics query failed", e);
      out.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).withCause(e).asRuntimeException());
      return;
    }
    out.onNext(GetMetricsResponse.newBuilder().setMetrics(toProto(family)).build());
    out.onCompleted();
  }

  private MetricsQuery query(MetricsQueryBaseRequest b, double quantile) {
    if (b == null) {
      throw new IllegalArgumentException("missing request");
    }
    if (b.getServiceNamesCount() == 0) {
      throw new IllegalArgumentException("please provide at least one service name");
    }
    long end = b.hasEndTime() ? b.getEndTime().getSeconds() * 1000 + b.getEndTime().getNanos() / 1_000_000
        : clock.millis();
    List<String> kinds = new ArrayList<>();
    for (SpanKind k : b.getSpanKindsList()) {
      if (k == SpanKind.UNRECOGNIZED) {
        throw new IllegalArgumentException("unsupported span kind");
      }
      kinds.add(k.name());
    }
    return new MetricsQuery(b.getServiceNamesList(), b.getGroupByOperation(), end,
        millis(b.hasLookback() ? b.getLookback() : null, MetricsQuery.DEFAULT_LOOKBACK_MILLIS),
        millis(b.hasStep() ? b.getStep() : null, MetricsQuery.DEFAULT_STEP_MILLIS),
        millis(b.hasRatePer() ? b.getRatePer() : null, MetricsQuery.DEFAULT_RATE_PER_MILLIS),
        kinds, quantile, QueryGrpcServer.TOKEN.get() == null ? "" : QueryGrpcServer.TOKEN.get(),
        tenancy.currentTenant(Status.Code.UNAUTHENTICATED));
  }

  private static long millis(Duration d, long def) {
    return d == null ? def : d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  static io.jaegerj.proto.api_v2.metrics.MetricFamily toProto(MetricFamily f) {
    io.jaegerj.proto.api_v2.metrics.MetricFamily.Builder b = io.jaegerj.proto.api_v2.metrics.MetricFamily
        .newBuilder().setName(f.name()).setType(MetricType.GAUGE).setHelp(f.help());
    for (MetricFamily.Series s : f.metrics()) {
      Metric.Builder m = Metric.newBuilder();
      for (MetricFamily.Label l : s.labels()) {
        m.addLabels(Label.newBuilder().setName(l.name()).setValue(l.value()));
      }
      for (MetricFamily.Point p : s.points()) {
        m.addMetricPoints(MetricPoint.newBuilder()
            .setGaugeValue(GaugeValue.newBuilder().setDoubleValue(p.value()))
            .setTimestamp(Timestamp.newBuilder().setSeconds(Math.floorDiv(p.timestampMillis(), 1000))
                .setNanos((int) Math.floorMod(p.timestampMillis(), 1000) * 1_000_000)));
      }
      b.addMetrics(m);
    }
    return b.build();
  }
}
