// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import java.util.ArrayList;
import java.util.List;

/** Cobra-style help, env and print-config texts. */
final class HelpText {
  static final String[][] COMMANDS = {
    {"env", "Help about environment variables."},
    {"help", "Help about any command"},
    {"print-config", "Print names and values of configuration options"},
    {"status", "Print the status."},
    {"version", "Print the version."},
  };

  private HelpText() {}

  static String root(BinarySpec spec, List<Flag> flags) {
    StringBuilder b = new StringBuilder();
    b.append(spec.description()).append("\n\n");
    b.append("Usage:\n  ").append(spec.name()).append(" [flags]\n  ").append(spec.name()).append(" [command]\n\n");
    b.append("Available Commands:\n");
    for (String[] c : COMMANDS) {
      b.append("  ").append(pad(c[0], 13)).append(c[1]).append('\n');
    }
    b.append("\nFlags:\n").append(flagLines(flags, "help for " + spec.name()));
    b.append("\nUse \"").append(spec.name()).append(" [command] --help\" for more information about a command.\n");
    return b.toString();
  }

  static String command(BinarySpec spec, String name, String description, List<Flag> flags) {
    return description + "\n\nUsage:\n  " + spec.name() + " " + name + " [flags]\n\nFlags:\n"
        + flagLines(flags, "help for " + name);
  }

  static String flagLines(List<Flag> flags, String helpUsage) {
    List<String[]> rows = new ArrayList<>();
    for (Flag f : flags) {
      String type = typeName(f.type());
      rows.add(new String[] {"      --" + f.name() + (type.isEmpty() ? "" : " " + type), usage(f)});
    }
    rows.add(new String[] {"  -h, --help", helpUsage});
    rows.sort((x, y) -> key(x[0]).compareTo(key(y[0])));
    int width = 0;
    for (String[] r : rows) {
      width = Math.max(width, r[0].length());
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      b.append(pad(r[0], width + 3)).append(r[1]).append('\n');
    }
    return b.toString();
  }

  private static String key(String left) {
    return left.substring(left.indexOf("--") + 2);
  }

  private static String usage(Flag f) {
    String d = f.defaultValue();
    boolean zero = d.isEmpty() || d.equals("false") || d.equals("0") || d.equals("0s") || d.equals("[]");
    if (zero) {
      return f.usage();
    }
    boolean quoted = f.type() == Flag.Type.STRING || f.type() == Flag.Type.HOST_PORT;
    return f.usage() + " (default " + (quoted ? "\"" + d + "\"" : d) + ")";
  }

  private static String typeName(Flag.Type t) {
    switch (t) {
      case BOOL:
        return "";
      case INT:
        return "int";
      case FLOAT:
        return "float";
      case DURATION:
        return "duration";
      case LIST:
        return "strings";
      default:
        return "string";
    }
  }

  static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < width) {
      b.append(' ');
    }
    return b.toString();
  }

  static String env(List<String> storageTypes) {
    String types = String.join(", ", storageTypes);
    return "All command line options can be provided via environment variables by converting\n"
        + "their names to upper case and replacing punctuation with underscores. For example:\n\n"
        + "command line option                 environment variable\n"
        + "------------------------------------------------------------------\n"
        + "--cassandra.connections-per-host    CASSANDRA_CONNECTIONS_PER_HOST\n"
        + "--ingester.deadlockInterval         INGESTER_DEADLOCKINTERVAL\n\n"
        + "The following configuration options are only available via environment variables:\n\n"
        + "SPAN_STORAGE_TYPE string             The type of backend [" + types + "] used for trace storage.\n"
        + "                                     Multiple backends can be specified as comma-separated list,\n"
        + "                                     e.g. \"cassandra,elasticsearch\" (currently only for writing\n"
        + "                                     spans). Note that \"kafka\" is only valid in jaeger-collector;\n"
        + "                                     it is not a replacement for a proper storage backend, and only\n"
        + "                                     used as a buffer for spans when Jaeger is deployed in the\n"
        + "                                     collector+ingester configuration.\n"
        + "                                      (default \"cassandra\")\n\n"
        + "DEPENDENCY_STORAGE_TYPE string       The type of backend used for service dependencies storage.\n"
        + "                                      (default \"${SPAN_STORAGE_TYPE}\")\n\n"
        + "SAMPLING_CONFIG_TYPE string          Method [file, adaptive] used for determining the sampling\n"
        + "                                     rates served to clients configured with remote sampling\n"
        + "                                     enabled. \"file\" uses a periodically reloaded file and\n"
        + "                                     \"adaptive\" dynamically adjusts sampling rates based on\n"
        + "                                     current traffic.\n"
        + "                                      (default \"file\")\n\n"
        + "SAMPLING_STORAGE_TYPE string         The type of backend [cassandra, memory, badger] used for\n"
        + "                                     adaptive sampling storage when adaptive sampling is enabled\n"
        + "                                     via SAMPLING_CONFIG_TYPE.\n"
        + "                                      (default \"\")\n\n"
        + "METRICS_STORAGE_TYPE string          The type of backend [prometheus] used as a metrics store with\n"
        + "                                     Service Performance Monitoring (https://www.jaegertracing.io/docs/latest/spm/).\n"
        + "                                      (default \"\")\n\n";
  }

  /** The print-config table: sorted rows framed by dashed lines as wide as the widest entries. */
  static String printConfig(List<String[]> rows) {
    String[] header = {"Configuration Option Name", "Value", "Source"};
    int[] w = {header[0].length(), header[1].length(), header[2].length()};
    for (String[] r : rows) {
      for (int i = 0; i < 3; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    String line = "-".repeat(w[0] + w[1] + w[2] + 10) + "\n";
    StringBuilder b = new StringBuilder(line);
    b.append(row(header, w)).append(line);
    for (String[] r : rows) {
      b.append(row(r, w));
    }
    return b.append(line).toString();
  }

  private static String row(String[] r, int[] w) {
    return "| " + pad(r[0], w[0]) + "   " + pad(r[1], w[1]) + "   " + pad(r[2], w[2]) + " |\n";
  }
}
