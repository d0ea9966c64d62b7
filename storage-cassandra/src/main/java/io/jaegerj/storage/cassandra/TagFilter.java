// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import java.util.Set;

/**
 * Which tags go to {@code tag_index}: {@code cassandra.index.tags|process-tags|logs} drop whole sources first, then
 * the deny list ({@code index.tag-blacklist}) or the allow list ({@code index.tag-whitelist}) applies to the keys of
 * every source. The other indexes are always written.
 */
record TagFilter(boolean spanTags, boolean processTags, boolean logs, Set<String> deny, Set<String> allow) {
  static final TagFilter ALL = new TagFilter(true, true, true, Set.of(), Set.of());

  boolean keyIndexed(String key) {
    if (!allow.isEmpty()) {
      return allow.contains(key);
    }
    return !deny.contains(key);
  }
}
