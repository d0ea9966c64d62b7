// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.model.GoDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The admin port's health status: unavailable while starting and stopping, available with its start time. */
final class Health {
  static final String UNAVAILABLE_BODY =
      "{\"status\":\"Server not available\",\"upSince\":\"0001-01-01T00:00:00Z\",\"uptime\":\"\"}";

  /** A response: status code and JSON body. */
  record Response(int status, String body) {}

  private final Clock clock;
  private volatile Instant upSince;

  Health(Clock clock) {
    this.clock = clock;
  }

  void ready() {
    upSince = clock.instant();
  }

  void unavailable() {
    upSince = null;
  }

  boolean isReady() {
    return upSince != null;
  }

  Response response() {
    Instant since = upSince;
    if (since == null) {
      return new Response(503, UNAVAILABLE_BODY);
    }
    String ts = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(since.atOffset(ZoneOffset.UTC));
    String uptime = GoDuration.format(Duration.between(since, clock.instant()));
    return new Response(200, "{\"status\":\"Server available\",\"upSince\":\"" + ts + "\",\"uptime\":\"" + uptime
        + "\"}");
  }
}
