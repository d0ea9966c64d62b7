// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * One endpoint of port 16686: a method, a path pattern relative to the base path ({@code {}} stands for one
 * non-empty segment, passed to the endpoint still percent-encoded) and the error envelope of its API family.
 */
record HttpRoute(HttpMethod method, String[] pattern, HttpErrors.Envelope envelope, Endpoint endpoint) {

  /** What an endpoint gets: the request, its tenant, its query parameters and the {@code {}} segments. */
  record Request(FullHttpRequest http, String tenant, ApiParams params, List<String> pathParams) {
    String pathParam(int i) {
      return pathParams.get(i);
    }
  }

  interface Endpoint {
    void serve(Request req, HttpReply r) throws Exception;
  }

  static HttpRoute get(String pattern, HttpErrors.Envelope envelope, Endpoint endpoint) {
    return new HttpRoute(HttpMethod.GET, pattern.substring(1).split("/", -1), envelope, endpoint);
  }

  static HttpRoute post(String pattern, HttpErrors.Envelope envelope, Endpoint endpoint) {
    return new HttpRoute(HttpMethod.POST, pattern.substring(1).split("/", -1), envelope, endpoint);
  }

  /** The {@code {}} segments when {@code segments} match the pattern, else null. */
  List<String> match(String[] segments) {
    if (segments.length != pattern.length) {
      return null;
    }
    List<String> params = new ArrayList<>(2);
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].equals("{}")) {
        if (segments[i].isEmpty()) {
          return null;
        }
        params.add(segments[i]);
      } else if (!pattern[i].equals(segments[i])) {
        return null;
      }
    }
    return params;
  }
}
