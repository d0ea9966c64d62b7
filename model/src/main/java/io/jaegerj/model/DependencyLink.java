// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.Objects;

/** An edge of the service graph: {@code parent} called {@code child} {@code callCount} times. */
public record DependencyLink(String parent, String child, long callCount, String source) {
  public DependencyLink {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(child, "child");
    Objects.requireNonNull(source, "source");
  }

  public DependencyLink(String parent, String child, long callCount) {
    this(parent, child, callCount, "");
  }
}
