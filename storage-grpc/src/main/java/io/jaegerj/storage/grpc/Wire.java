// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.storage.v1.TraceQueryParameters;
import io.jaegerj.storage.TraceQuery;

/** Conversions between the storage SPI's values and the v1 storage messages, shared by client and server. */
final class Wire {
  /**
   * Go peers always serialize their non-nullable times; an unset {@code time.Time} arrives as 0001-01-01T00:00:00Z.
   */
  static final long GO_ZERO_TIME_SECONDS = -62135596800L;

  private Wire() {}

  /** 0 (unset) stays absent on the wire. */
  static boolean isUnset(Timestamp t) {
    return (t.getSeconds() == 0 && t.getNanos() == 0) || t.getSeconds() == GO_ZERO_TIME_SECONDS;
  }

  /** Microseconds since the epoch; 0 for an absent or Go-zero time. */
  static long micros(boolean present, Timestamp t) {
    return !present || isUnset(t) ? 0 : ProtoConverter.toMicros(t);
  }

  static long micros(boolean present, Duration d) {
    return present ? ProtoConverter.toMicros(d) : 0;
  }

  static ByteString traceId(TraceId id) {
    return ProtoConverter.traceIdToBytes(id);
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a 16-byte (or legacy 8-byte) trace ID
   */
  static TraceId traceId(ByteString b) {
    return ProtoConverter.traceIdFromBytes(b);
  }

  static TraceQueryParameters toProto(TraceQuery q) {
    TraceQueryParameters.Builder b = TraceQueryParameters.newBuilder()
        .setServiceName(q.serviceName())
        .setOperationName(q.operationName())
        .putAllTags(q.tags())
        .setNumTraces(q.numTraces());
    if (q.startTimeMinMicros() != 0) {
      b.setStartTimeMin(ProtoConverter.toTimestamp(q.startTimeMinMicros()));
    }
    if (q.startTimeMaxMicros() != 0) {
      b.setStartTimeMax(ProtoConverter.toTimestamp(q.startTimeMaxMicros()));
    }
    if (q.durationMinMicros() != 0) {
      b.setDurationMin(ProtoConverter.toDuration(q.durationMinMicros()));
    }
    if (q.durationMaxMicros() != 0) {
      b.setDurationMax(ProtoConverter.toDuration(q.durationMaxMicros()));
    }
    return b.build();
  }

  static TraceQuery fromProto(TraceQueryParameters p) {
    return new TraceQuery(StorageServices.TENANT.get(), p.getServiceName(), p.getOperationName(), p.getTagsMap(),
        micros(p.hasStartTimeMin(), p.getStartTimeMin()),
        micros(p.hasStartTimeMax(), p.getStartTimeMax()),
        micros(p.hasDurationMin(), p.getDurationMin()),
        micros(p.hasDurationMax(), p.getDurationMax()),
        p.getNumTraces());
  }
}
