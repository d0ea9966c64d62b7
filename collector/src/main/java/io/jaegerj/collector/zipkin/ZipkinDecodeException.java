// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

/**
 * The one error the Zipkin decoders throw for input they cannot accept (malformed JSON, protobuf or Thrift, invalid
 * ids). Its message is the text of the 400 answer.
 */
public final class ZipkinDecodeException extends Exception {
  public ZipkinDecodeException(String message) {
    super(message);
  }

  public ZipkinDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
