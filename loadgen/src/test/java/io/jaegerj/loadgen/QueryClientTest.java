// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query client against the JDK's independent HTTP server: framing, keep-alive, reconnects. */
class QueryClientTest {
  HttpServer server;
  final Set<String> peers = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fixed", ex -> {
      peers.add(ex.getRemoteAddress().toString());
      byte[] b = ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.createContext("/chunked", ex -> {
      ex.sendResponseHeaders(200, 0); // length unknown: chunked
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 100; i++) {
          out.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    });
    server.createContext("/missing", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.createContext("/close", ex -> {
      ex.getResponseHeaders().set("Connection", "close");
      byte[] b = "bye".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void get_contentLength_keepsOneConnection() {
    try (QueryClient c = new QueryClient(base())) {
      for (int i = 0; i < 20; i++) {
        QueryClient.Answer a = c.get(base() + "/fixed?n=" + i + "&tags=%7B%7D");
        assertThat(a.status()).isEqualTo(200);
        assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("n=" + i + "&tags=%7B%7D");
      }
    }
    assertThat(peers).hasSize(1);
  }

  @Test
  void get_chunkedBody_isReassembled() {
    try (QueryClient c = new QueryClient(base())) {
      StringBuilder want = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        want.append("part").append(i).append(';');
      }
      assertThat(new String(c.get(base() + "/chunked").body(), StandardCharsets.UTF_8)).isEqualTo(want.toString());
      assertThat(c.get(base() + "/fixed?after=chunked").status()).as("connection still usable").isEqualTo(200);
    }
  }

  @Test
  void get_statusWithoutBody_andServerClosing_thenReconnects() {
    try (QueryClient c = new QueryClient(base())) {
      QueryClient.Answer missing = c.get(base() + "/missing");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.body()).isEmpty();
      assertThat(new String(c.get(base() + "/close").body(), StandardCharsets.UTF_8)).isEqualTo("bye");
      assertThat(c.get(base() + "/fixed?x=1").status()).isEqualTo(200);
    }
  }

  @Test
  void get_serverGone_returnsNull() {
    QueryClient c = new QueryClient(base());
    server.stop(0);
    assertThat(c.get(base() + "/fixed?x=1")).isNull();
    c.close();
  }
}
