// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/**
 * {@code jaeger_ingester_sarama_consumer_errors_total} (Jaeger's {@code sarama_consumer_errors}) counts a consumer
 * failure. kafka-clients' own {@link MockConsumer} stands in for the broker connection here; the ingester is real.
 */
class ConsumerErrorsTest {
  @Test
  void consumerFailure_isCounted() throws Exception {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.LATEST);
    consumer.setPollException(new KafkaException("broker connection lost"));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Ingester in = new Ingester(consumer, "spans", new MessageDecoder("protobuf", Clock.systemUTC()),
        (tenant, spans) -> CompletableFuture.completedFuture(null), 10, Duration.ZERO, meters);
    assertThat(meters.get("jaeger_ingester_sarama_consumer_errors").counter().count()).isZero();
    in.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (meters.get("jaeger_ingester_sarama_consumer_errors").counter().count() < 1
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(meters.get("jaeger_ingester_sarama_consumer_errors").counter().count()).isEqualTo(1);
    in.close();
  }
}
