// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

/** Finds the OTLP/JSON → model converter used by {@code POST /api/transform}. */
final class OtlpTransforms {
  private OtlpTransforms() {}

  /** Null while no OTLP/JSON decoder is on the class path. */
  static HttpApiHandler.OtlpTransform find() {
    return null;
  }
}
