// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The {@code kafka.producer.*} flags of Jaeger 1.74 and their mapping onto kafka-clients producer properties. */
public final class ProducerOptions {
  public static final String PREFIX = "kafka.producer";
  static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){1,3}");
  /** Batch bytes used when {@code batch-size} is 0 (Sarama: no byte threshold): large, so load forms big batches. */
  static final int DEFAULT_BATCH_BYTES = 1 << 20;
  /** One attempt of the span writer's sender to get buffer room; a full buffer is retried, never a failure. */
  static final long MAX_BLOCK_MS = 1000;

  private ProducerOptions() {}

  public static List<Flag> flags() {
    String p = PREFIX + ".";
    List<Flag> out = new ArrayList<>(List.of(
        Flag.string(p + "brokers", "127.0.0.1:9092",
            "The comma-separated list of kafka brokers. i.e. '127.0.0.1:9092,0.0.0:1234'"),
        Flag.string(p + "topic", "jaeger-spans", "The name of the kafka topic"),
        Flag.string(p + "encoding", "protobuf", "Encoding of spans (\"json\" or \"protobuf\") sent to kafka."),
        Flag.string(p + "required-acks", "local",
            "(experimental) Required kafka broker acknowledgement. i.e. noack, local, all"),
        Flag.string(p + "compression", "none",
            "(experimental) Type of compression (none, gzip, snappy, lz4, zstd) to use on messages"),
        Flag.integer(p + "compression-level", 0,
            "(experimental) compression level to use on messages. gzip = 1-9 (default = 6), snappy = none, lz4 = 1-17"
                + " (default = 9), zstd = -131072 - 22 (default = 3)"),
        Flag.string(p + "protocol-version", "", "Kafka protocol version - must be supported by kafka server"),
        Flag.duration(p + "batch-linger", "0s",
            "(experimental) Time interval to wait before sending records to Kafka. Higher value reduce request to"
                + " Kafka but increase latency and the possibility of data loss in case of process restart. See"
                + " https://kafka.apache.org/documentation/"),
        Flag.integer(p + "batch-size", 0,
            "(experimental) Number of bytes to batch before sending records to Kafka. Higher value reduce request to"
                + " Kafka but increase latency and the possibility of data loss in case of process restart. See"
                + " https://kafka.apache.org/documentation/"),
        Flag.integer(p + "batch-min-messages", 0,
            "(experimental) The best-effort minimum number of messages needed to send a batch of records to Kafka."
                + " Higher value reduce request to Kafka but increase latency and the possibility of data loss in"
                + " case of process restart. See https://kafka.apache.org/documentation/"),
        Flag.integer(p + "batch-max-messages", 0,
            "(experimental) Maximum number of message to batch before sending records to Kafka"),
        Flag.integer(p + "max-message-bytes", 1000000,
            "(experimental) The maximum permitted size of a message. Should be set equal to or smaller than the"
                + " broker's `message.max.bytes`.")));
    out.addAll(KafkaAuth.flags(PREFIX));
    return out;
  }

  /** Comma list with spaces stripped, as Jaeger reads the brokers flag. */
  public static String brokers(String raw, String flag) {
    String b = raw.replace(" ", "");
    if (b.isEmpty() || b.replace(",", "").isEmpty()) {
      throw new IllegalArgumentException(flag + ": empty broker list");
    }
    return b;
  }

  /** Checks {@code <prefix>.protocol-version}: empty or a dotted Kafka version such as {@code 2.0.0}. */
  public static void checkVersion(String value, String flag) {
    if (!value.isEmpty() && !VERSION.matcher(value).matches()) {
      throw new IllegalArgumentException(flag + ": invalid version `" + value + "'");
    }
  }

  /**
   * Validated producer properties.
   *
   * @throws IllegalArgumentException naming the flag when a value is invalid
   */
  public static Map<String, Object> producerProperties(Settings s) {
    String p = PREFIX + ".";
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", brokers(s.getString(p + "brokers"), p + "brokers"));
    props.put("key.serializer", ByteArraySerializer.class);
    props.put("value.serializer", ByteArraySerializer.class);
    props.put("client.id", "jaeger-collector");
    // the sender thread waits at most this long per attempt for buffer room, then re-checks and tries again
    props.put("max.block.ms", MAX_BLOCK_MS);
    String acks = s.getString(p + "required-acks").trim().toLowerCase(Locale.ROOT);
    props.put("acks", switch (acks) {
      case "noack" -> "0";
      case "local" -> "1";
      case "all" -> "all";
      default -> throw new IllegalArgumentException(p + "required-acks: " + acks + " (expected: noack, local, all)");
    });
    if (!acks.equals("all")) {
      props.put("enable.idempotence", "false");
    }
    String codec = s.getString(p + "compression").trim().toLowerCase(Locale.ROOT);
    int level = s.getInt(p + "compression-level");
    switch (codec) {
      case "none", "snappy" -> { }
      case "gzip" -> checkLevel(level, 1, 9, codec);
      case "lz4" -> checkLevel(level, 1, 17, codec);
      case "zstd" -> checkLevel(level, -131072, 22, codec);
      default -> throw new IllegalArgumentException(
          p + "compression: " + codec + " (expected: none, gzip, snappy, lz4, zstd)");
    }
    props.put("compression.type", codec);
    if (level != 0 && !codec.equals("none") && !codec.equals("snappy")) {
      props.put("compression." + codec + ".level", level);
    }
    checkVersion(s.getString(p + "protocol-version"), p + "protocol-version");
    props.put("linger.ms", s.getDuration(p + "batch-linger").toMillis());
    int maxMessage = s.getInt(p + "max-message-bytes");
    if (maxMessage <= 0) {
      throw new IllegalArgumentException(p + "max-message-bytes: " + maxMessage + " (expected: > 0)");
    }
    props.put("max.request.size", maxMessage);
    int batchSize = s.getInt(p + "batch-size");
    if (batchSize < 0) {
      throw new IllegalArgumentException(p + "batch-size: " + batchSize + " (expected: >= 0)");
    }
    props.put("batch.size", batchSize > 0 ? batchSize : Math.min(DEFAULT_BATCH_BYTES, maxMessage));
    for (String n : List.of("batch-min-messages", "batch-max-messages")) {
      if (s.getInt(p + n) < 0) {
        throw new IllegalArgumentException(p + n + ": " + s.getInt(p + n) + " (expected: >= 0)");
      }
    }
    KafkaAuth.apply(s, PREFIX, props);
    return props;
  }

  private static void checkLevel(int level, int min, int max, String codec) {
    if (level != 0 && (level < min || level > max)) {
      throw new IllegalArgumentException(PREFIX + ".compression-level: " + level + " is out of range for " + codec
          + " (" + min + " to " + max + ")");
    }
  }
}
