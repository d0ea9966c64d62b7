// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import io.jaegerj.model.Span;
import java.util.List;

/** What the UI tests need from a running server: its UI address and a way to store test traces. */
interface UiServer extends AutoCloseable {
  /** Absolute URL of the UI root, ending with "/" (includes the base path). */
  String baseUrl();

  /** Stores spans and returns once every given trace is readable through the query API. */
  void ingest(List<Span> spans) throws Exception;

  /** How {@link #ingest} delivered the spans, for the test log. */
  String ingestRoute();

  @Override
  void close();
}
