// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedInputStream;

/**
 * Request body decoding for the {@code Content-Encoding} values the OTel collector accepts: none, gzip, zstd, zlib,
 * deflate, snappy (block or framed), x-snappy-framed and lz4 (frame format). Output is bounded: a body that inflates
 * beyond the limit is refused, so a small "zip bomb" cannot exhaust memory.
 */
public final class Decompression {
  private static final byte[] SNAPPY_STREAM_HEADER = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

  /** The encoding is not one we accept. */
  public static final class UnsupportedEncodingException extends Exception {
    UnsupportedEncodingException(String encoding) {
      super("unsupported Content-Encoding: " + encoding);
    }
  }

  /** The decoded body would exceed the limit. */
  public static final class TooLargeException extends Exception {
    TooLargeException(int limit) {
      super("request body too large: more than " + limit + " bytes after decompression");
    }
  }

  private Decompression() {}

  public static boolean supported(String encoding) {
    switch (normalize(encoding)) {
      case "":
      case "gzip":
      case "zstd":
      case "zlib":
      case "deflate":
      case "snappy":
      case "x-snappy-framed":
      case "lz4":
        return true;
      default:
        return false;
    }
  }

  private static String normalize(String encoding) {
    return encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Decodes {@code body}.
   *
   * @throws UnsupportedEncodingException for an unknown encoding
   * @throws TooLargeException when the result exceeds {@code limit} bytes
   * @throws IOException when the compressed data is corrupt
   */
  public static byte[] decode(byte[] body, String encoding, int limit)
      throws UnsupportedEncodingException, TooLargeException, IOException {
    String e = normalize(encoding);
    switch (e) {
      case "":
        if (body.length > limit) {
          throw new TooLargeException(limit);
        }
        return body;
      case "gzip":
        return readBounded(new GZIPInputStream(new ByteArrayInputStream(body)), limit);
      case "zstd":
        return readBounded(new ZstdInputStream(new ByteArrayInputStream(body)), limit);
      case "zlib":
      case "deflate":
        return inflate(body, limit);
      case "snappy":
        if (startsWith(body, SNAPPY_STREAM_HEADER)) {
          return readBounded(new SnappyFramedInputStream(new ByteArrayInputStream(body)), limit);
        }
        return snappyBlock(body, limit);
      case "x-snappy-framed":
        return readBounded(new SnappyFramedInputStream(new ByteArrayInputStream(body)), limit);
      case "lz4":
        return readBounded(new LZ4FrameInputStream(new ByteArrayInputStream(body)), limit);
      default:
        throw new UnsupportedEncodingException(encoding);
    }
  }

  private static byte[] snappyBlock(byte[] body, int limit) throws IOException, TooLargeException {
    int n;
    try {
      n = Snappy.uncompressedLength(body);
    } catch (IOException | RuntimeException ex) {
      throw new IOException("invalid snappy data", ex);
    }
    if (n < 0 || n > limit) {
      throw new TooLargeException(limit);
    }
    if (!Snappy.isValidCompressedBuffer(body)) {
      throw new IOException("invalid snappy data");
    }
    return Snappy.uncompress(body);
  }

  /** zlib-wrapped deflate (what Go sends for both names), falling back to raw deflate. */
  private static byte[] inflate(byte[] body, int limit) throws IOException, TooLargeException {
    try {
      return readBounded(new InflaterInputStream(new ByteArrayInputStream(body), new Inflater(false)), limit);
    } catch (ZipException zlibFailed) {
      return readBounded(new InflaterInputStream(new ByteArrayInputStream(body), new Inflater(true)), limit);
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readBounded(InputStream in, int limit) throws IOException, TooLargeException {
    try (InputStream s = in) {
      byte[] out = s.readNBytes(limit);
      if (s.read() != -1) {
        throw new TooLargeException(limit);
      }
      return out;
    } catch (RuntimeException e) {
      // Some codecs signal corrupt input with unchecked exceptions.
      throw new IOException("corrupt compressed data: " + e.getMessage(), e);
    }
  }
}
