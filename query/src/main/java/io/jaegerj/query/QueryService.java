// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.adjust.Adjuster;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The one read path behind every API (HTTP /api, /api/v3, gRPC api_v2 and api_v3): storage lookups with archive
 * fallback, adjusters unless raw, archiving. Handlers only translate parameters and encode results. Thread-safe;
 * calls block on storage, so handlers run them off event loops.
 */
final class QueryService {
  static final String TRACE_NOT_FOUND = "trace not found";
  static final String NO_ARCHIVE = "archive span storage was not configured";

  /** The trace is in neither primary nor archive storage. */
  static final class TraceNotFoundException extends RuntimeException {
    TraceNotFoundException() {
      super(TRACE_NOT_FOUND, null, false, false);
    }
  }

  /** Archiving was requested but no archive storage is configured. */
  static final class NoArchiveException extends RuntimeException {
    NoArchiveException() {
      super(NO_ARCHIVE, null, false, false);
    }
  }

  /** Which adjuster pipeline a caller wants. */
  enum View {
    /** No adjusters ({@code raw=true}). */
    RAW,
    /** Jaeger-model pipeline of /api and api_v2. */
    MODEL,
    /** api_v3 pipeline, before conversion to OTLP. */
    OTLP;

    static View of(boolean raw) {
      return raw ? RAW : MODEL;
    }
  }

  private final SpanReader reader;
  private final DependencyReader dependencyReader;
  private final Optional<ArchiveStorage> archive;
  private final Adjuster adjuster;
  private final Adjuster otlpAdjuster;

  QueryService(SpanReader reader, DependencyReader dependencyReader, Optional<ArchiveStorage> archive,
      Adjuster adjuster, Adjuster otlpAdjuster) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.dependencyReader = Objects.requireNonNull(dependencyReader, "dependencyReader");
    this.archive = Objects.requireNonNull(archive, "archive");
    this.adjuster = Objects.requireNonNull(adjuster, "adjuster");
    this.otlpAdjuster = Objects.requireNonNull(otlpAdjuster, "otlpAdjuster");
  }

  private Trace adjust(Trace t, View view) {
    switch (view) {
      case MODEL:
        return adjuster.adjust(t);
      case OTLP:
        return otlpAdjuster.adjust(t);
      default:
        return t;
    }
  }

  boolean hasArchive() {
    return archive.isPresent();
  }

  /** Primary storage, then (only if not found there) archive storage; adjusted unless {@code raw}. */
  Optional<Trace> getTrace(GetTraceQuery query, boolean raw) {
    return getTrace(query, View.of(raw));
  }

  Optional<Trace> getTrace(GetTraceQuery query, View view) {
    Optional<Trace> t = nonEmpty(reader.getTrace(query));
    if (t.isEmpty() && archive.isPresent()) {
      t = nonEmpty(archive.get().reader().getTrace(query));
    }
    return t.map(x -> adjust(x, view));
  }

  private static Optional<Trace> nonEmpty(Optional<Trace> t) {
    return t.filter(x -> !x.spans().isEmpty());
  }

  List<String> services(String tenant) {
    return reader.getServices(tenant);
  }

  List<Operation> operations(OperationQuery query) {
    return reader.getOperations(query);
  }

  List<Trace> findTraces(TraceQuery query, boolean raw) {
    return findTraces(query, View.of(raw));
  }

  List<Trace> findTraces(TraceQuery query, View view) {
    List<Trace> found = reader.findTraces(query);
    if (view == View.RAW) {
      return found;
    }
    List<Trace> out = new ArrayList<>(found.size());
    for (Trace t : found) {
      out.add(adjust(t, view));
    }
    return out;
  }

  /** Links as stored for {@code [endTs - lookback, endTs]} (microseconds); not merged. */
  List<DependencyLink> dependencies(String tenant, long endTsMicros, long lookbackMicros) {
    return dependencyReader.getDependencies(tenant, endTsMicros, lookbackMicros);
  }

  /** Sums call counts per (parent, child) in first-seen order and drops {@code source}. */
  static List<DependencyLink> merge(List<DependencyLink> links) {
    Map<List<String>, long[]> sums = new LinkedHashMap<>();
    for (DependencyLink l : links) {
      sums.computeIfAbsent(List.of(l.parent(), l.child()), k -> new long[1])[0] += l.callCount();
    }
    List<DependencyLink> out = new ArrayList<>(sums.size());
    for (Map.Entry<List<String>, long[]> e : sums.entrySet()) {
      out.add(new DependencyLink(e.getKey().get(0), e.getKey().get(1), e.getValue()[0]));
    }
    return out;
  }

  /**
   * Loads the trace like {@link #getTrace} (adjusted) and writes its spans to archive storage.
   *
   * @throws NoArchiveException when no archive storage is configured
   * @throws TraceNotFoundException when the trace does not exist
   */
  void archiveTrace(GetTraceQuery query) {
    if (archive.isEmpty()) {
      throw new NoArchiveException();
    }
    Trace t = getTrace(query, false).orElseThrow(TraceNotFoundException::new);
    List<Span> spans = t.spans();
    try {
      archive.get().writer().write(query.tenant(), spans).toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }
}
