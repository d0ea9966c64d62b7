// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

/** Malformed client input; the message is sent to the client verbatim (HTTP 400 / INVALID_ARGUMENT). */
final class BadRequestException extends RuntimeException {
  BadRequestException(String message) {
    super(message, null, false, false);
  }
}
