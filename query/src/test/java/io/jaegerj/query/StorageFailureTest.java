// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.TraceQuery;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Storage errors become 500 / INTERNAL with the storage's message; archive is consulted only on "not found". */
class StorageFailureTest {
  /** A reader whose every call fails like a backend that lost its connection. */
  static SpanReader failing(SpanReader ignored) {
    return new SpanReader() {
      @Override
      public Optional<Trace> getTrace(GetTraceQuery query) {
        throw new IllegalStateException("connection refused: 127.0.0.1:9042");
      }

      @Override
      public List<String> getServices(String tenant) {
        throw new IllegalStateException("connection refused: 127.0.0.1:9042");
      }

      @Override
      public List<Operation> getOperations(OperationQuery query) {
        throw new IllegalStateException("connection refused: 127.0.0.1:9042");
      }

      @Override
      public List<Trace> findTraces(TraceQuery query) {
        throw new IllegalStateException("connection refused: 127.0.0.1:9042");
      }

      @Override
      public List<TraceId> findTraceIds(TraceQuery query) {
        throw new IllegalStateException("connection refused: 127.0.0.1:9042");
      }
    };
  }

  @Test
  void storageErrors_http500AndGrpcInternal() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture(true, Map.of(), Clock.systemUTC(),
        StorageFailureTest::failing)) {
      String expected = "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":500,"
          + "\"msg\":\"connection refused: 127.0.0.1:9042\"}]}\n";
      for (String path : new String[] {"/api/services", "/api/traces/abc", "/api/traces?service=x",
          "/api/operations?service=x", "/api/services/x/operations"}) {
        HttpResponse<String> r = s.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(500);
        assertThat(r.body()).as(path).isEqualTo(expected);
      }
      HttpResponse<String> v3 = s.get("/api/v3/services");
      assertThat(v3.statusCode()).isEqualTo(500);
      assertThat(v3.body()).isEqualTo("{\"error\":{\"httpCode\":500,\"message\":\"connection refused: "
          + "127.0.0.1:9042\"}}\n");

      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.module.grpcPort()).usePlaintext().build();
      try {
        StatusRuntimeException e = Assertions.assertThrows(StatusRuntimeException.class,
            () -> QueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getServices(GetServicesRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription())
            .isEqualTo("failed to fetch services: connection refused: 127.0.0.1:9042");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void traceInPrimaryAndArchive_primaryWins() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture(true, Map.of(), Clock.systemUTC())) {
      s.write(Fixtures.traceB());
      s.writeArchive(List.of(Fixtures.traceB().get(0).toBuilder().operationName("archived copy").build()));
      assertThat(s.get("/api/traces/" + Fixtures.TRACE_B).body()).contains("\"operationName\":\"work\"")
          .doesNotContain("archived copy");
      assertThat(s.get("/api/traces?traceID=" + Fixtures.TRACE_B).body()).contains("\"operationName\":\"work\"");
    }
  }
}
