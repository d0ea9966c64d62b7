// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jaegerj.config.Flag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code docs} sub-command: one file per command in {@code --dir}, as Markdown ({@code md}) or in the YAML
 * layout of Jaeger's CLI reference ({@code yaml}: name, synopsis, description, usage, options, see_also).
 */
final class Docs {
  /** One documented command. */
  record Page(String name, String synopsis, String description, List<Flag> flags, boolean isRoot) {}

  static final List<Flag> FLAGS = List.of(
      Flag.string("dir", "./", "Directory where generate the documentation."),
      Flag.string("format", "md", "The format of documentation, supported formats are: md, yaml"));

  private Docs() {}

  static List<Page> pages(BinarySpec spec, List<Flag> rootFlags) {
    String synopsis = spec.description().lines().findFirst().orElse("");
    List<Page> pages = new ArrayList<>();
    pages.add(new Page(spec.name(), synopsis, spec.description(), rootFlags, true));
    pages.add(new Page("docs", "Generates documentation", "Generates command-line documentation for " + spec.name(),
        FLAGS, false));
    pages.add(new Page("env", "Help about environment variables.", "Help about environment variables.", List.of(),
        false));
    List<Flag> pc = List.of(Flag.bool("all", false,
        "Print all configuration options including those with empty values"));
    pages.add(new Page("print-config", "Print names and values of configuration options",
        "Print names and values of configuration options, distinguishing between default and user-assigned values",
        pc, false));
    pages.add(new Page("status", "Print the status.",
        "Print Jaeger component status information, exit non-zero on any error.",
        List.of(CommonFlags.statusHostPort(spec)), false));
    pages.add(new Page("version", "Print the version.", "Print the version and build information", List.of(),
        false));
    return pages;
  }

  /** Writes the files and returns their paths. */
  static List<Path> write(BinarySpec spec, List<Flag> rootFlags, Path dir, String format) {
    if (!format.equals("md") && !format.equals("yaml")) {
      throw new IllegalArgumentException("invalid argument \"" + format + "\" for \"--format\" flag: unsupported"
          + " format (expected md or yaml)");
    }
    List<Path> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (Page p : pages(spec, rootFlags)) {
        String base = p.isRoot() ? spec.name() : spec.name() + "_" + p.name();
        Path file = dir.resolve(base + "." + format);
        Files.writeString(file, format.equals("yaml") ? yaml(spec, p) : markdown(spec, p), StandardCharsets.UTF_8);
        out.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static List<Flag> withHelp(Page p) {
    List<Flag> flags = new ArrayList<>(p.flags());
    flags.add(Flag.bool("help", false, "help for " + p.name()));
    flags.sort(Comparator.comparing(Flag::name));
    return flags;
  }

  static String yaml(BinarySpec spec, Page p) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    doc.put("name", p.isRoot() ? spec.name() : spec.name() + " " + p.name());
    doc.put("synopsis", p.synopsis());
    doc.put("description", p.description());
    doc.put("usage", (p.isRoot() ? spec.name() : spec.name() + " " + p.name()) + " [flags]");
    ArrayNode options = doc.putArray("options");
    for (Flag fl : withHelp(p)) {
      ObjectNode o = options.addObject();
      o.put("name", fl.name());
      if (fl.name().equals("help")) {
        o.put("shorthand", "h");
      } else if (fl.name().equals("all")) {
        o.put("shorthand", "a");
      }
      if (!fl.defaultValue().isEmpty()) {
        o.put("default_value", fl.defaultValue());
      }
      o.put("usage", fl.usage());
    }
    ArrayNode seeAlso = doc.putArray("see_also");
    if (p.isRoot()) {
      for (Page other : pages(spec, List.of())) {
        if (!other.isRoot()) {
          seeAlso.add(spec.name() + " " + other.name() + " - " + other.synopsis());
        }
      }
    } else {
      seeAlso.add(spec.name() + " - " + pages(spec, List.of()).get(0).synopsis());
    }
    try {
      return new YAMLMapper().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).writeValueAsString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String markdown(BinarySpec spec, Page p) {
    String title = p.isRoot() ? spec.name() : spec.name() + " " + p.name();
    StringBuilder b = new StringBuilder();
    b.append("## ").append(title).append("\n\n").append(p.synopsis()).append("\n\n### Synopsis\n\n")
        .append(p.description()).append("\n\n```\n").append(title).append(" [flags]\n```\n\n### Options\n\n```\n")
        .append(HelpText.flagLines(p.flags(), "help for " + p.name())).append("```\n");
    return b.toString();
  }
}
