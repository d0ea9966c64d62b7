// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

/** The result of one request. */
enum Outcome {
  /** 2xx, or gRPC OK. */
  ACCEPTED,
  /** Pushback: 429 or 503, or gRPC UNAVAILABLE or RESOURCE_EXHAUSTED. */
  REJECTED,
  /** Anything else, including connection failures. */
  ERROR
}
