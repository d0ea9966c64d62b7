// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es.dbmodel;

import java.util.Objects;
import java.util.Set;

/**
 * Which tags are written into the {@code tag} / {@code process.tag} object instead of the nested {@code tags} array
 * ({@code es.tags-as-fields.*}). Binary tags are never elevated.
 *
 * @param all elevate every non-binary tag
 * @param include original tag keys to elevate
 * @param dotReplacement what replaces each {@code .} of a key in the object (the object path syntax forbids dots)
 */
public record TagsAsFields(boolean all, Set<String> include, String dotReplacement) {
  public static final TagsAsFields NONE = new TagsAsFields(false, Set.of(), "@");

  public TagsAsFields {
    Objects.requireNonNull(include, "include");
    Objects.requireNonNull(dotReplacement, "dotReplacement");
    include = Set.copyOf(include);
  }

  boolean elevates(String key) {
    return all || include.contains(key);
  }

  String fieldName(String key) {
    return key.replace(".", dotReplacement);
  }

  String tagKey(String fieldName) {
    return dotReplacement.isEmpty() ? fieldName : fieldName.replace(dotReplacement, ".");
  }
}
