// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.util.concurrent.CompletableFuture;

/** Sends one encoded request body; the future completes (never exceptionally) with the outcome. */
interface Sender extends AutoCloseable {
  CompletableFuture<Result> send(byte[] body);

  /** The outcome and, for failures, a short description (status code or exception). */
  record Result(Outcome outcome, String detail) {
    static final Result OK = new Result(Outcome.ACCEPTED, "");
  }

  @Override
  void close();

  static Sender create(Protocol protocol, String endpoint, int connections) {
    if (protocol == Protocol.OTLP_GRPC) {
      return new GrpcSender(endpoint, connections);
    }
    return new HttpSender(endpoint, protocol.contentType());
  }
}
