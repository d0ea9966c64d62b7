// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.grpc;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.grpc.Codec;
import io.grpc.DecompressorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * The {@code grpc-encoding} values Jaeger's gRPC servers accept besides gzip: {@code zstd} and {@code snappy} (the
 * framed snappy stream grpc-go's codec writes). grpc-java bounds the decompressed size by the max message size.
 */
final class ExtraCodecs {
  private ExtraCodecs() {}

  static DecompressorRegistry registry() {
    return DecompressorRegistry.getDefaultInstance().with(new Zstd(), true).with(new Snappy(), true);
  }

  static final class Zstd implements Codec {
    @Override
    public String getMessageEncoding() {
      return "zstd";
    }

    @Override
    public OutputStream compress(OutputStream os) throws IOException {
      return new ZstdOutputStream(os);
    }

    @Override
    public InputStream decompress(InputStream is) throws IOException {
      return new ZstdInputStream(is);
    }
  }

  static final class Snappy implements Codec {
    @Override
    public String getMessageEncoding() {
      return "snappy";
    }

    @Override
    public OutputStream compress(OutputStream os) throws IOException {
      return new SnappyFramedOutputStream(os);
    }

    @Override
    public InputStream decompress(InputStream is) throws IOException {
      return new SnappyFramedInputStream(is);
    }
  }
}
