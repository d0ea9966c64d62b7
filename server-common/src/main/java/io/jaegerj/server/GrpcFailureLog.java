// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java logs a request it cannot read with a whole stack trace, once per request: a truncated frame (the stream
 * ends inside a length-prefixed message: {@code NettyServerStream} "Exception processing message") and a message
 * that does not parse (the executor's "Exception while executing runnable"). Outside traffic can cause either at
 * any rate, so their {@code java.util.logging} records are intercepted here: each is counted in
 * {@code jaeger_grpc_server_malformed_requests_total{reason}} ({@code truncated_frame}, {@code unparsable} or
 * {@code other}) and logged as one line, at most once every 10 s per reason ({@link RateLimitedLog}), without the
 * stack trace. Other gRPC records pass unchanged.
 */
final class GrpcFailureLog implements Filter {
  /** The gRPC loggers whose request failures are intercepted; kept referenced so that the filters stay set. */
  private static final List<Logger> GRPC_LOGGERS = List.of(
      Logger.getLogger("io.grpc.netty.NettyServerStream"),
      Logger.getLogger("io.grpc.internal.SerializingExecutor"));

  private final Counter truncated;
  private final Counter unparsable;
  private final Counter other;
  private final RateLimitedLog truncatedLog;
  private final RateLimitedLog unparsableLog;
  private final RateLimitedLog otherLog;

  private GrpcFailureLog(MeterRegistry meters) {
    truncated = counter(meters, "truncated_frame");
    unparsable = counter(meters, "unparsable");
    other = counter(meters, "other");
    org.slf4j.Logger log = LoggerFactory.getLogger(GrpcFailureLog.class);
    truncatedLog = new RateLimitedLog(log, RateLimitedLog.Level.WARN);
    unparsableLog = new RateLimitedLog(log, RateLimitedLog.Level.WARN);
    otherLog = new RateLimitedLog(log, RateLimitedLog.Level.WARN);
  }

  private static Counter counter(MeterRegistry meters, String reason) {
    return Counter.builder("jaeger_grpc_server_malformed_requests")
        .description("gRPC requests that could not be read (counted instead of logged per request)")
        .tag("reason", reason).register(meters);
  }

  /** Installs the filter on grpc-java's loggers, counting in {@code meters} (the last installation wins). */
  static void install(MeterRegistry meters) {
    GrpcFailureLog filter = new GrpcFailureLog(meters);
    for (Logger l : GRPC_LOGGERS) {
      l.setFilter(filter);
    }
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    Throwable thrown = record.getThrown();
    if (thrown == null || message == null) {
      return true;
    }
    String cause = rootMessage(thrown);
    if (message.startsWith("Exception processing message")) {
      if (cause.contains("end-of-stream mid-frame")) {
        truncated.increment();
        truncatedLog.log("gRPC request with a truncated frame: {}", cause);
      } else {
        other.increment();
        otherLog.log("gRPC request that could not be read: {}", cause);
      }
      return false;
    }
    if (message.startsWith("Exception while executing runnable") && thrown instanceof RuntimeException
        && hasParseFailure(thrown)) {
      unparsable.increment();
      unparsableLog.log("gRPC request that does not parse: {}", cause);
      return false;
    }
    return true;
  }

  private static boolean hasParseFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof InvalidProtocolBufferException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }
}
