// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trace search within the spans of {@code tenant} (see {@link Tenants}; other tenants' traces never match). A
 * trace matches when one single span satisfies every set condition:
 *
 * <ul>
 *   <li>its process service name equals {@code serviceName} (required, non-empty);
 *   <li>its operation name equals {@code operationName} (if non-empty);
 *   <li>for every entry of {@code tags}, some span tag, process tag or log field has that key and a value whose
 *       {@code asString()} equals the entry's value;
 *   <li>{@code startTimeMinMicros <= start <= startTimeMaxMicros} (each bound only if non-zero);
 *   <li>{@code durationMinMicros <= duration <= durationMaxMicros} (each bound only if non-zero).
 * </ul>
 *
 * {@code numTraces} caps the number of traces: when more match, the most recent are kept, a trace's time being the
 * start of its earliest span. 0 or less is passed on unchanged so that backends can apply their own policy (the
 * query service's default is 100; memory storage treats it as "no limit", as Jaeger does).
 */
public record TraceQuery(
    String tenant,
    String serviceName,
    String operationName,
    Map<String, String> tags,
    long startTimeMinMicros,
    long startTimeMaxMicros,
    long durationMinMicros,
    long durationMaxMicros,
    int numTraces) {

  public TraceQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(operationName, "operationName");
    Objects.requireNonNull(tags, "tags");
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(tags);
    for (Map.Entry<String, String> e : copy.entrySet()) {
      Objects.requireNonNull(e.getKey(), "tag key");
      Objects.requireNonNull(e.getValue(), "tag value");
    }
    tags = Collections.unmodifiableMap(copy);
  }

  /**
   * Checks the query the way Jaeger's span readers do, with their error texts: a service name is required, both
   * start-time bounds must be set and ordered, and duration bounds (when both are set) must be ordered.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public void validate() {
    if (serviceName.isEmpty()) {
      throw new IllegalArgumentException("service Name must be set");
    }
    if (startTimeMinMicros == 0 || startTimeMaxMicros == 0) {
      throw new IllegalArgumentException("start and End Time must be set");
    }
    if (startTimeMaxMicros < startTimeMinMicros) {
      throw new IllegalArgumentException("start Time Minimum is above Maximum");
    }
    if (durationMinMicros != 0 && durationMaxMicros != 0 && durationMaxMicros < durationMinMicros) {
      throw new IllegalArgumentException("duration Minimum is above Maximum");
    }
  }

  public static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  /** Builder with defaults: the default tenant, no operation, no tags, no bounds, 100 traces. */
  public static final class Builder {
    private final String serviceName;
    private String tenant = Tenants.DEFAULT;
    private String operationName = "";
    private final Map<String, String> tags = new LinkedHashMap<>();
    private long startTimeMinMicros;
    private long startTimeMaxMicros;
    private long durationMinMicros;
    private long durationMaxMicros;
    private int numTraces = 100;

    private Builder(String serviceName) {
      this.serviceName = serviceName;
    }

    public Builder tenant(String v) {
      tenant = v;
      return this;
    }

    public Builder operationName(String v) {
      operationName = v;
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder startTimeMinMicros(long v) {
      startTimeMinMicros = v;
      return this;
    }

    public Builder startTimeMaxMicros(long v) {
      startTimeMaxMicros = v;
      return this;
    }

    public Builder durationMinMicros(long v) {
      durationMinMicros = v;
      return this;
    }

    public Builder durationMaxMicros(long v) {
      durationMaxMicros = v;
      return this;
    }

    public Builder numTraces(int v) {
      numTraces = v;
      return this;
    }

    public TraceQuery build() {
      return new TraceQuery(tenant, serviceName, operationName, tags, startTimeMinMicros, startTimeMaxMicros,
          durationMinMicros, durationMaxMicros, numTraces);
    }
  }
}
