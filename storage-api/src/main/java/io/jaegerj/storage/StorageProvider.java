// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.util.List;

/**
 * A storage backend, discovered through {@link java.util.ServiceLoader} and selected by the type names in
 * {@code SPAN_STORAGE_TYPE}. Its flags are registered on the command line only when one of its types is selected.
 */
public interface StorageProvider {
  /** The {@code SPAN_STORAGE_TYPE} values this provider answers to, e.g. {@code ["memory"]}. */
  List<String> types();

  /** Every flag of the backend, archive variants included, with Jaeger's names and defaults. */
  List<Flag> flags();

  /**
   * Validates the settings and opens the backend.
   *
   * @throws IllegalArgumentException naming the flag when a setting is invalid
   * @throws Exception when the backend cannot be reached
   */
  StorageFactory open(String type, Settings settings, StorageContext context) throws Exception;
}
