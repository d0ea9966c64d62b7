// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.jaegerj.collector.http.ReceiverErrors;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request marshallers that turn undecodable protobuf into {@code INTERNAL "grpc: error unmarshalling request: …"},
 * as grpc-go (and so Jaeger) answers; grpc-java itself would answer {@code UNKNOWN}. On a parse failure the
 * marshaller returns a marker message (the error text in an unknown field of the highest field number) that the
 * handler detects with {@link #failure}.
 */
public final class ParseFailures {
  static final int MARKER_FIELD = 536_870_911;

  private ParseFailures() {}

  /** Parses a whole message from bytes. */
  @FunctionalInterface
  public interface BytesParser<T> {
    T parse(byte[] bytes) throws IOException;
  }

  public static <T extends Message> MethodDescriptor.Marshaller<T> marshaller(T defaultInstance,
      ReceiverErrors errors) {
    return marshaller(defaultInstance, errors, null);
  }

  /**
   * As {@link #marshaller(Message, ReceiverErrors)}, parsing the whole message with {@code custom} when given (for
   * decoders that need the raw bytes, such as the lenient UTF-8 fallback of OTLP).
   */
  public static <T extends Message> MethodDescriptor.Marshaller<T> marshaller(T defaultInstance,
      ReceiverErrors errors, BytesParser<T> custom) {
    MethodDescriptor.Marshaller<T> proto = ProtoUtils.marshaller(defaultInstance);
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(T value) {
        return proto.stream(value);
      }

      @Override
      @SuppressWarnings("unchecked")
      public T parse(InputStream stream) {
        try {
          if (custom != null) {
            try {
              return custom.parse(stream.readAllBytes());
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
          return proto.parse(stream);
        } catch (RuntimeException e) {
          errors.count("malformed");
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          String text = unmarshalling(cause.getMessage()).getDescription();
          return (T) defaultInstance.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
              .addField(MARKER_FIELD, UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(ByteString.copyFromUtf8(text)).build())
              .build()).build();
        }
      }
    };
  }

  /** grpc-go's answer to a request it could not decode, {@code detail} being the decoder's message. */
  public static Status unmarshalling(String detail) {
    return Status.INTERNAL.withDescription("grpc: error unmarshalling request: " + detail);
  }

  /** The status to fail with when the request is a parse-failure marker, else null. */
  public static Status failure(Message request) {
    UnknownFieldSet.Field f = request.getUnknownFields().getField(MARKER_FIELD);
    if (f.getLengthDelimitedList().isEmpty()) {
      return null;
    }
    return Status.INTERNAL.withDescription(f.getLengthDelimitedList().get(0).toStringUtf8());
  }
}
