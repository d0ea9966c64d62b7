// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/** {@code SPAN_STORAGE_TYPE=kafka}: the collector publishes spans to a topic for the ingester. */
public final class KafkaStorageProvider implements StorageProvider {
  @Override
  public List<String> types() {
    return List.of("kafka");
  }

  @Override
  public List<Flag> flags() {
    return ProducerOptions.flags();
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    if (!"kafka".equals(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: kafka)");
    }
    SpanEncoding encoding = SpanEncoding.ofProducerFlag(settings.getString(ProducerOptions.PREFIX + ".encoding"));
    String topic = settings.getString(ProducerOptions.PREFIX + ".topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException(ProducerOptions.PREFIX + ".topic: empty");
    }
    Map<String, Object> props = ProducerOptions.producerProperties(settings);
    return new KafkaStorageFactory(new KafkaSpanWriter(new KafkaProducer<>(props), topic, encoding, context.meters(),
        Duration.ofMillis(KafkaSpanWriter.DEFAULT_DELIVERY_TIMEOUT_MS)));
  }
}
