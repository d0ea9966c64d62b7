// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Objects;

/**
 * Tenants as the storage SPI sees them. Every write and every read names the tenant it acts for, as a plain string
 * that the caller has already authorized (the query and collector check Jaeger's {@code multi-tenancy.*} rules
 * before any storage call). {@link #DEFAULT}, the empty string, is the tenant of every call when multi-tenancy is
 * off, and of receivers that carry no tenant (the UDP agent ports).
 *
 * <p>A backend keeps tenants apart: whatever one tenant wrote (spans, services, operations, dependencies, archived
 * traces) is invisible to reads made for any other tenant. Backends that persist data keep Jaeger's exact layout
 * for the default tenant, so that a store written by Jaeger reads the same here, and put the data of every other
 * tenant in a separate namespace (key prefix, index prefix, keyspace table...) derived from the tenant name by an
 * injective encoding, so that no two tenants and no tenant and the default share a namespace.
 */
public final class Tenants {
  /** The tenant of every call when multi-tenancy is off. */
  public static final String DEFAULT = "";

  private Tenants() {}

  /** Returns {@code tenant}, or throws {@link NullPointerException} naming the argument; every SPI method calls it. */
  public static String require(String tenant) {
    return Objects.requireNonNull(tenant, "tenant");
  }

  /** True for the default tenant. */
  public static boolean isDefault(String tenant) {
    return tenant.isEmpty();
  }
}
