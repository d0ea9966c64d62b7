// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;

/** {@code SPAN_STORAGE_TYPE=kafka}: write-only; readers fail with Jaeger's message. */
final class KafkaStorageFactory implements StorageFactory {
  static final String WRITE_ONLY = "kafka storage is write-only";

  private final KafkaSpanWriter writer;

  KafkaStorageFactory(KafkaSpanWriter writer) {
    this.writer = writer;
  }

  @Override
  public SpanWriter spanWriter() {
    return writer;
  }

  @Override
  public SpanReader spanReader() {
    throw new UnsupportedOperationException(WRITE_ONLY);
  }

  @Override
  public DependencyReader dependencyReader() {
    throw new UnsupportedOperationException(WRITE_ONLY);
  }

  @Override
  public void close() {
    writer.close();
  }
}
