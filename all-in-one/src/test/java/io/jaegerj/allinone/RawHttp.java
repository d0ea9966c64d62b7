// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A raw HTTP/1.1 client for what real clients cannot do: headers sent slowly, conflicting framing. */
final class RawHttp {
  private RawHttp() {}

  static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends one request on a new connection and returns the response head and body. */
  static String exchange(int port, String request) throws IOException {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return readResponse(s.getInputStream());
    }
  }

  /** Reads one response framed by Content-Length (or until the connection closes). */
  static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    int length = -1;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    StringBuilder body = new StringBuilder();
    for (int i = 0; length < 0 || i < length; i++) {
      if ((c = in.read()) < 0) {
        break;
      }
      body.append((char) c);
    }
    return head.append(body).toString();
  }

  /**
   * Opens a connection and sends a request whose headers never end, one byte per {@code every}; completes with the
   * nanoseconds until the server cut it off.
   */
  static CompletableFuture<Long> trickleHeaders(int port, Duration every) {
    return CompletableFuture.supplyAsync(() -> {
      long t0 = System.nanoTime();
      try (Socket s = connect(port)) {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout((int) every.toMillis());
        long deadline = t0 + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          out.write('a');
          out.flush();
          try {
            if (s.getInputStream().read() < 0) {
              return System.nanoTime() - t0;
            }
          } catch (SocketTimeoutException e) {
            // still open
          }
        }
        throw new AssertionError("slow client on port " + port + " never disconnected");
      } catch (IOException e) {
        return System.nanoTime() - t0; // reset or broken pipe: disconnected
      }
    });
  }

  /** Sends {@code raw}; expects {@code status} with {@code Connection: close}, then the connection closed. */
  static void assertRefusedAndClosed(int port, String raw, String status) throws IOException {
    try (Socket s = connect(port)) {
      s.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
      String answer = readResponse(s.getInputStream());
      assertThat(answer).as("port %s", port).startsWith("HTTP/1.1 " + status)
          .containsIgnoringCase("connection: close");
      s.setSoTimeout(5000);
      assertThat(s.getInputStream().read()).as("port %s closed after the refusal", port).isEqualTo(-1);
    }
  }
}
