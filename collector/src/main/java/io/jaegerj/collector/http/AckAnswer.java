// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.jaegerj.collector.pipeline.SpanConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one decision behind every receiver's answer once {@link SpanConsumer#submitForAck} completed: the batch was
 * taken (queued, or stored with {@code --collector.acknowledge=stored}), refused because the queue is full, or failed
 * in storage. The decision and its error count ({@code queue_full}, {@code storage}) live here; each receiver only
 * words the three answers in its protocol (HTTP status and body, gRPC status).
 */
public final class AckAnswer {
  private AckAnswer() {}

  /**
   * The answer for an acknowledgement's {@code result} or {@code failure}, counting a refusal in {@code errors}.
   *
   * @param storageFailed called with the message naming the storage failure ({@link SpanConsumer#storageFailure})
   */
  public static <T> T of(SpanConsumer.Result result, Throwable failure, ReceiverErrors errors, Supplier<T> accepted,
      Supplier<T> queueFull, Function<String, T> storageFailed) {
    if (failure != null) {
      errors.count("storage");
      return storageFailed.apply(SpanConsumer.storageFailure(failure));
    }
    if (result == SpanConsumer.Result.REJECTED_QUEUE_FULL) {
      errors.count("queue_full");
      return queueFull.get();
    }
    return accepted.get();
  }
}
