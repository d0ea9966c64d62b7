// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code svc} metric label: lower case, characters outside {@code [a-z0-9.-]} replaced by {@code _}, empty as
 * {@code __unknown}; after {@value #MAX_SERVICES} distinct services every new one is {@code other-services}.
 */
final class ServiceLabels {
  static final int MAX_SERVICES = 4000;
  static final String OTHER = "other-services";

  private final ConcurrentHashMap<String, String> normalized = new ConcurrentHashMap<>();

  String label(String service) {
    String hit = normalized.get(service);
    if (hit != null) {
      return hit;
    }
    if (normalized.size() >= MAX_SERVICES) {
      return OTHER;
    }
    String n = normalize(service);
    String prev = normalized.putIfAbsent(service, n);
    return prev != null ? prev : n;
  }

  static String normalize(String service) {
    if (service.isEmpty()) {
      return "__unknown";
    }
    char[] c = new char[service.length()];
    for (int i = 0; i < c.length; i++) {
      char ch = Character.toLowerCase(service.charAt(i));
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
      c[i] = ok ? ch : '_';
    }
    return new String(c);
  }
}
