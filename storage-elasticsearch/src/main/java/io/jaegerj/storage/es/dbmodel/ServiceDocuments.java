// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es.dbmodel;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/** The service document ({@code serviceName}, {@code operationName}) and its deterministic {@code _id}. */
public final class ServiceDocuments {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private ServiceDocuments() {}

  public static byte[] write(String service, String operation) {
    JsonStringEncoder enc = JsonStringEncoder.getInstance();
    String json = "{\"serviceName\":\"" + new String(enc.quoteAsString(service)) + "\",\"operationName\":\""
        + new String(enc.quoteAsString(operation)) + "\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** FNV-1a 64 over the UTF-8 bytes of service then operation, lowercase hex without padding. */
  public static String id(String service, String operation) {
    long h = FNV_OFFSET;
    h = fnv(h, service.getBytes(StandardCharsets.UTF_8));
    h = fnv(h, operation.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(h);
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }
}
