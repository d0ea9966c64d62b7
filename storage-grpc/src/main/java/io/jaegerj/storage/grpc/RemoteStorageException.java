// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

/** A remote storage call failed; the message starts with Jaeger's {@code plugin error: } and names the server. */
public final class RemoteStorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RemoteStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
