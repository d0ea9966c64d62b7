// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.config;

import java.util.Objects;

/**
 * One configuration flag, as Jaeger names it. The same flag is settable as {@code --name=value}, as the environment
 * variable {@link #envName()}, and as a key of the {@code --config-file}.
 *
 * @param name flag name without dashes, e.g. {@code memory.max-traces}
 * @param defaultValue default in Jaeger's textual form ({@code ""} when Jaeger shows none), e.g. {@code ":14269"},
 *     {@code "0s"}, {@code "false"}
 * @param type how the value is validated
 * @param usage help text
 */
public record Flag(String name, String defaultValue, Type type, String usage) {
  /** Value syntaxes; each is checked when the configuration is read so that a bad value names its flag. */
  public enum Type {
    STRING,
    BOOL,
    INT,
    FLOAT,
    /** A Go duration string such as {@code 1h2m3s}. */
    DURATION,
    /** {@code host:port}, {@code :port} or a bare port. */
    HOST_PORT,
    /** A comma-separated list, shown as {@code []} when empty. */
    LIST
  }

  public Flag {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(usage, "usage");
  }

  public static Flag string(String name, String def, String usage) {
    return new Flag(name, def, Type.STRING, usage);
  }

  public static Flag bool(String name, boolean def, String usage) {
    return new Flag(name, Boolean.toString(def), Type.BOOL, usage);
  }

  public static Flag integer(String name, long def, String usage) {
    return new Flag(name, Long.toString(def), Type.INT, usage);
  }

  public static Flag floating(String name, String def, String usage) {
    return new Flag(name, def, Type.FLOAT, usage);
  }

  public static Flag duration(String name, String def, String usage) {
    return new Flag(name, def, Type.DURATION, usage);
  }

  public static Flag hostPort(String name, String def, String usage) {
    return new Flag(name, def, Type.HOST_PORT, usage);
  }

  public static Flag list(String name, String usage) {
    return new Flag(name, "[]", Type.LIST, usage);
  }

  /** Upper case with {@code .} and {@code -} turned into {@code _}, e.g. {@code MEMORY_MAX_TRACES}. */
  public String envName() {
    return envName(name);
  }

  public static String envName(String flagName) {
    StringBuilder b = new StringBuilder(flagName.length());
    for (int i = 0; i < flagName.length(); i++) {
      char c = flagName.charAt(i);
      b.append(c == '.' || c == '-' ? '_' : Character.toUpperCase(c));
    }
    return b.toString();
  }

  /** A copy under another name, for prefixed families such as {@code cassandra} / {@code cassandra-archive}. */
  public Flag renamed(String newName) {
    return new Flag(newName, defaultValue, type, usage);
  }
}
