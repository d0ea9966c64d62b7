// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The {@code kafka.consumer.*} flags of jaeger-ingester 1.74 and their mapping onto kafka-clients consumer properties. */
public final class ConsumerOptions {
  public static final String PREFIX = "kafka.consumer";

  private ConsumerOptions() {}

  public static List<Flag> flags() {
    String p = PREFIX + ".";
    List<Flag> out = new ArrayList<>(List.of(
        Flag.string(p + "brokers", "127.0.0.1:9092",
            "The comma-separated list of kafka brokers. i.e. '127.0.0.1:9092,0.0.0:1234'"),
        Flag.string(p + "topic", "jaeger-spans", "The name of the kafka topic to consume from"),
        Flag.string(p + "group-id", "jaeger-ingester",
            "The Consumer Group that ingester will be consuming on behalf of"),
        Flag.string(p + "client-id", "jaeger-ingester", "The Consumer Client ID that ingester will use"),
        Flag.string(p + "encoding", "protobuf",
            "The encoding of spans (\"json\\\", \\\"protobuf\\\", \\\"zipkin-thrift\") consumed from kafka"),
        Flag.string(p + "protocol-version", "", "Kafka protocol version - must be supported by kafka server"),
        Flag.string(p + "rack-id", "",
            "Rack identifier for this client. This can be any string value which indicates where this client is"
                + " located. It corresponds with the broker config `broker.rack`"),
        Flag.integer(p + "fetch-max-message-bytes", 1048576,
            "The maximum number of message bytes to fetch from the broker in a single request. So you must be sure"
                + " this is at least as large as your largest message.")));
    out.addAll(KafkaAuth.flags(PREFIX));
    return out;
  }

  /** The consumer encoding: {@code json}, {@code protobuf} or {@code zipkin-thrift}; anything else is Jaeger's error. */
  public static String encoding(Settings s) {
    String e = s.getString(PREFIX + ".encoding");
    if (!List.of("json", "protobuf", "zipkin-thrift").contains(e)) {
      throw new IllegalArgumentException(
          "encoding '" + e + "' not recognised, use one of (\"json\", \"protobuf\", \"zipkin-thrift\")");
    }
    return e;
  }

  /**
   * Validated consumer properties: manual commits, new groups start at the newest offset (as Jaeger's).
   *
   * @throws IllegalArgumentException naming the flag when a value is invalid
   */
  public static Map<String, Object> consumerProperties(Settings s) {
    String p = PREFIX + ".";
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", ProducerOptions.brokers(s.getString(p + "brokers"), p + "brokers"));
    props.put("group.id", s.getString(p + "group-id"));
    props.put("client.id", s.getString(p + "client-id"));
    props.put("key.deserializer", ByteArrayDeserializer.class);
    props.put("value.deserializer", ByteArrayDeserializer.class);
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "latest");
    ProducerOptions.checkVersion(s.getString(p + "protocol-version"), p + "protocol-version");
    String rack = s.getString(p + "rack-id");
    if (!rack.isEmpty()) {
      props.put("client.rack", rack);
    }
    int fetch = s.getInt(p + "fetch-max-message-bytes");
    if (fetch <= 0) {
      throw new IllegalArgumentException(p + "fetch-max-message-bytes: " + fetch + " (expected: > 0)");
    }
    props.put("max.partition.fetch.bytes", fetch);
    KafkaAuth.apply(s, PREFIX, props);
    return props;
  }
}
