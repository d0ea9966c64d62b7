// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The query phase's HTTP/1.1 client: one keep-alive connection, one GET at a time, on the calling thread. Query
 * latency is measured one request at a time, so a client that hands each request to a selector thread and back
 * (the JDK's {@code HttpClient}) adds its own scheduling jitter to the tail; this one adds a socket write and read.
 * Reads bodies framed by {@code Content-Length} or chunked; reconnects when the server closes the connection.
 * Not thread-safe.
 */
final class QueryClient implements AutoCloseable {
  /** A response: status code and the whole body. */
  record Answer(int status, byte[] body) {}

  private static final int TIMEOUT_MILLIS = 30_000;

  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  QueryClient(String baseUrl) {
    URI u = URI.create(baseUrl);
    if (!"http".equals(u.getScheme())) {
      throw new IllegalArgumentException("query endpoint must be http://host:port, got " + baseUrl);
    }
    this.host = u.getHost();
    this.port = u.getPort() < 0 ? 80 : u.getPort();
  }

  /** GETs an absolute URL on this client's server; null when the connection failed twice. */
  Answer get(String url) {
    URI u = URI.create(url);
    String target = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (socket == null) {
          connect();
        }
        out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAccept: */*\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
      } catch (IOException e) {
        close();
      }
    }
    return null;
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(TIMEOUT_MILLIS);
    s.connect(new InetSocketAddress(host, port), 5_000);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
    out = s.getOutputStream();
  }

  private Answer read() throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = parts[0].equals("HTTP/1.0");
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "connection" -> closeAfter = value.contains("close") ? true : closeAfter;
        default -> { }
      }
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        b.write(exactly(n));
        line();
      }
      body = b.toByteArray();
    } else if (length >= 0) {
      body = exactly((int) length);
    } else {
      body = in.readAllBytes();
      closeAfter = true;
    }
    if (closeAfter) {
      close();
    }
    return new Answer(status, body);
  }

  private byte[] exactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("connection closed after " + b.length + " of " + n + " body bytes");
    }
    return b;
  }

  /** One header line without its CRLF. */
  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed in the response head");
      }
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
