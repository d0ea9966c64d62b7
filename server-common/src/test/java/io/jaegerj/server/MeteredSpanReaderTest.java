// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredSpanReaderTest {
  @Test
  void calls_countedTimedAndSized() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().namingConvention(new JaegerNaming());
    r.config().meterFilter(JaegerNaming.defaultBuckets());
    TestStorageProvider.Opened backend = new TestStorageProvider.Opened("memory", null) {
      @Override
      public List<Operation> getOperations(OperationQuery query) {
        throw new IllegalStateException("down");
      }
    };
    MeteredSpanReader reader = new MeteredSpanReader(backend, r, "memory", "primary");

    assertThat(reader.getServices("")).containsExactly("memory");
    assertThat(reader.getTrace(null)).isEmpty();
    assertThatThrownBy(() -> reader.getOperations(null)).hasMessage("down");

    String text = r.scrape();
    assertThat(text)
        .contains("jaeger_storage_requests_total{kind=\"memory\",operation=\"get_services\",result=\"ok\","
            + "role=\"primary\"} 1.0")
        .contains("jaeger_storage_requests_total{kind=\"memory\",operation=\"get_trace\",result=\"err\","
            + "role=\"primary\"} 1.0")
        .contains("jaeger_storage_requests_total{kind=\"memory\",operation=\"get_operations\",result=\"err\","
            + "role=\"primary\"} 1.0")
        .contains("jaeger_storage_latency_count{kind=\"memory\",operation=\"get_services\",result=\"ok\","
            + "role=\"primary\"} 1")
        .contains("jaeger_storage_responses_count{kind=\"memory\",operation=\"get_services\",role=\"primary\"} 1");
    r.close();
  }
}
