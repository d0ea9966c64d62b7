// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

/** Test-only capability: removes everything the backend stores. */
public interface Purgeable {
  void purge();
}
