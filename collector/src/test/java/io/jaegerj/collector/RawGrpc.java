// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC methods whose request and response are bytes sent and read as they are, so that a test can send what no
 * generated client would (truncated or oversized messages). Shared through the collector's test-jar.
 */
public final class RawGrpc {
  /** Bytes as they are on the wire, both ways. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private RawGrpc() {}

  /** The method {@code fullMethodName} (e.g. {@code jaeger.api_v2.QueryService/FindTraces}) taking raw bytes. */
  public static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(fullMethodName)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }
}
