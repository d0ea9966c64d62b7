// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A local HTTP or HTTPS server on 127.0.0.1 that records every request (headers, raw and gunzipped body, and for
 * HTTPS the SNI name and client certificate subject) and answers with a handler of the test's choice.
 */
final class HttpTestServer implements AutoCloseable {
  /** One received request. */
  record Exchange(String method, String uri, List<String> authorization, String contentEncoding, String body,
      String sni, String clientSubject) {}

  /** Answers a request: status and JSON body. */
  interface Handler {
    Answer answer(Exchange request) throws Exception;
  }

  record Answer(int status, String body) {
    static Answer ok(String body) {
      return new Answer(200, body);
    }
  }

  final List<Exchange> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "http-test-server");
    t.setDaemon(true);
    return t;
  });
  private final boolean https;

  HttpTestServer(Handler handler) throws IOException {
    this(null, handler);
  }

  /** With a configurator: HTTPS. */
  HttpTestServer(HttpsConfigurator tls, Handler handler) throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    this.https = tls != null;
    if (tls != null) {
      HttpsServer s = HttpsServer.create(any, 0);
      s.setHttpsConfigurator(tls);
      server = s;
    } else {
      server = HttpServer.create(any, 0);
    }
    server.setExecutor(executor);
    server.createContext("/", ex -> {
      try {
        Exchange e = record(ex);
        requests.add(e);
        Answer a = handler.answer(e);
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
          ex.sendResponseHeaders(a.status(), -1);
        } else {
          ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
          ex.getResponseBody().write(out);
        }
      } catch (Exception e) {
        ex.sendResponseHeaders(500, -1);
      } finally {
        ex.close();
      }
    });
    server.start();
  }

  private static Exchange record(HttpExchange ex) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
    if ("gzip".equals(encoding)) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    String sni = null;
    String subject = null;
    if (ex instanceof HttpsExchange hx) {
      SSLSession session = hx.getSSLSession();
      if (session instanceof ExtendedSSLSession es) {
        for (SNIServerName n : es.getRequestedServerNames()) {
          if (n instanceof SNIHostName h) {
            sni = h.getAsciiName();
          }
        }
      }
      try {
        subject = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal()
            .getName();
      } catch (SSLPeerUnverifiedException e) {
        subject = null;
      }
    }
    List<String> auth = ex.getRequestHeaders().get("Authorization");
    return new Exchange(ex.getRequestMethod(), ex.getRequestURI().toString(), auth == null ? List.of() : List.copyOf(auth),
        encoding, new String(raw, StandardCharsets.UTF_8), sni, subject);
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return (https ? "https" : "http") + "://127.0.0.1:" + port();
  }

  Exchange last() {
    return requests.get(requests.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
