// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/** Tag value types; ordinal order matches api_v2's {@code ValueType} enum numbers. */
public enum ValueType {
  STRING("string"),
  BOOL("bool"),
  INT64("int64"),
  FLOAT64("float64"),
  BINARY("binary");

  private final String jsonName;

  ValueType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name the query API's JSON uses in the {@code type} field. */
  public String jsonName() {
    return jsonName;
  }

  /** Inverse of {@link #jsonName()}; null when unknown. */
  public static ValueType fromJsonName(String name) {
    for (ValueType t : values()) {
      if (t.jsonName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
