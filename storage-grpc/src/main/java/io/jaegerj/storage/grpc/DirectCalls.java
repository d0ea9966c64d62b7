// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.jaegerj.proto.storage.ext.v1.BatchSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.ArchiveSpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.FindTracesRequest;
import io.jaegerj.proto.storage.v1.GetTraceRequest;
import io.jaegerj.proto.storage.v1.SpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.SpansResponseChunk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The calls whose span messages travel as bytes that {@link io.jaegerj.model.proto.SpanProtoEncoder} wrote and
 * {@link io.jaegerj.model.proto.SpanProtoDecoder} reads, instead of through protobuf-java's generated classes. Same
 * method names, same bytes on the wire as the generated stubs: a peer using those never sees a difference.
 */
final class DirectCalls {
  /** {@code WriteSpansRequest.spans} and {@code SpansResponseChunk.spans}. */
  static final int SPANS_FIELD = 1;

  static final byte[] EMPTY = new byte[0];

  /** A message as its encoded bytes, handed to gRPC without a copy and read from it in one piece. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        if (stream instanceof KnownLength) {
          int n = stream.available();
          byte[] b = new byte[n];
          if (stream.readNBytes(b, 0, n) == n && stream.read() == -1) {
            return b;
          }
          throw new IOException("message shorter or longer than announced");
        }
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** {@code jaegerj.storage.v1.BatchSpanWriterPlugin/WriteSpans}: request and response as bytes. */
  static final MethodDescriptor<byte[], byte[]> WRITE_SPANS = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(BatchSpanWriterPluginGrpc.getWriteSpansMethod().getFullMethodName())
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .setSchemaDescriptor(BatchSpanWriterPluginGrpc.getWriteSpansMethod().getSchemaDescriptor())
      .build();

  /** {@code SpanReaderPlugin/GetTrace}: chunks as bytes. */
  static final MethodDescriptor<GetTraceRequest, byte[]> GET_TRACE =
      spanChunks(SpanReaderPluginGrpc.getGetTraceMethod());
  /** {@code SpanReaderPlugin/FindTraces}: chunks as bytes. */
  static final MethodDescriptor<FindTracesRequest, byte[]> FIND_TRACES =
      spanChunks(SpanReaderPluginGrpc.getFindTracesMethod());
  /** {@code ArchiveSpanReaderPlugin/GetArchiveTrace}: chunks as bytes. */
  static final MethodDescriptor<GetTraceRequest, byte[]> GET_ARCHIVE_TRACE =
      spanChunks(ArchiveSpanReaderPluginGrpc.getGetArchiveTraceMethod());

  private DirectCalls() {}

  /** A call answering {@code SpansResponseChunk}s, with the chunks as their bytes. */
  private static <Q> MethodDescriptor<Q, byte[]> spanChunks(MethodDescriptor<Q, SpansResponseChunk> generated) {
    return generated.toBuilder(generated.getRequestMarshaller(), BYTES).build();
  }

  private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] b) {
      super(b);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
