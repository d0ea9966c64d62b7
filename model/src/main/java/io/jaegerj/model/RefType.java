// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/** Span reference types; ordinal order matches api_v2 and Thrift enum numbers. */
public enum RefType {
  CHILD_OF,
  FOLLOWS_FROM
}
