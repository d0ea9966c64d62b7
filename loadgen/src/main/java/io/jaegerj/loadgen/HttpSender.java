// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** POSTs bodies with the JDK HTTP/1.1 client (a connection per in-flight request). */
final class HttpSender implements Sender {
  private final HttpClient client;
  private final ExecutorService executor;
  private final URI uri;
  private final String contentType;

  HttpSender(String endpoint, String contentType) {
    this.uri = URI.create(endpoint);
    this.contentType = contentType;
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "loadgen-http");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor)
        .build();
  }

  @Override
  public CompletableFuture<Result> send(byte[] body) {
    HttpRequest req = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((resp, err) -> {
      if (err != null) {
        Throwable c = err.getCause() != null ? err.getCause() : err;
        return new Result(Outcome.ERROR, c.getClass().getSimpleName() + ": " + c.getMessage());
      }
      int code = resp.statusCode();
      if (code >= 200 && code < 300) {
        return Result.OK;
      }
      if (code == 429 || code == 503) {
        return new Result(Outcome.REJECTED, "HTTP " + code);
      }
      return new Result(Outcome.ERROR, "HTTP " + code);
    });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
