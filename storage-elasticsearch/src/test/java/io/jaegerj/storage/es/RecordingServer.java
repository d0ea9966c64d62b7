// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTP server that answers like an Elasticsearch node of a given version ({@code GET /}), acknowledges every
 * other request, and records what it received (bodies gunzipped). Used for request-level tests of versions that
 * cannot run here (ES 8) or that need exact bodies.
 */
final class RecordingServer implements AutoCloseable {
  record Request(String method, String uri, String body) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  RecordingServer(String rootJson) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] raw = ex.getRequestBody().readAllBytes();
      if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
          raw = in.readAllBytes();
        }
      }
      String uri = ex.getRequestURI().toString();
      requests.add(new Request(ex.getRequestMethod(), uri, new String(raw, StandardCharsets.UTF_8)));
      String answer;
      if (uri.equals("/") && ex.getRequestMethod().equals("GET")) {
        answer = rootJson;
      } else if (uri.startsWith("/_bulk")) {
        answer = "{\"errors\":false,\"items\":[]}";
      } else {
        answer = "{\"acknowledged\":true}";
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
  }

  static String esRoot(String version) {
    return "{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"number\":\"" + version + "\"},"
        + "\"tagline\":\"You Know, for Search\"}";
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Request find(String method, String uriPrefix) {
    for (Request r : requests) {
      if (r.method().equals(method) && r.uri().startsWith(uriPrefix)) {
        return r;
      }
    }
    throw new AssertionError("no " + method + " " + uriPrefix + " in " + requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
