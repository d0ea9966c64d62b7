// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

/**
 * The one error every Thrift decoder of this package throws for input it cannot accept: truncated or malformed bytes,
 * a missing required field, an oversized length or an unexpected type. The message names what is wrong; receivers
 * put it into their 400 answer.
 */
public final class ThriftDecodeException extends Exception {
  public ThriftDecodeException(String message) {
    super(message);
  }

  public ThriftDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
