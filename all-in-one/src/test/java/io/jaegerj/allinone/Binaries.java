// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import io.jaegerj.collector.CollectorMain;
import io.jaegerj.ingester.IngesterMain;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.BinarySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The binaries under test and where the repository and the shared reference files are. */
final class Binaries {
  private Binaries() {}

  /** Golden file key → spec. */
  static Map<String, BinarySpec> all() {
    return Map.of("all-in-one", AllInOneMain.spec(), "collector", CollectorMain.spec(), "query", QueryMain.spec(),
        "ingester", IngesterMain.spec());
  }

  /** The repository root (parent of this module). */
  static Path repoRoot() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
  }

  /**
   * {@code shared/reference/jaeger-cli-1.74}: {@code $JAEGERJ_SHARED} if set, else the first {@code shared} folder
   * beside the repository or one of its ancestors (CI clones with shared/ beside the clone).
   */
  static Path cliReference() {
    String env = System.getenv("JAEGERJ_SHARED");
    if (env != null && !env.isEmpty()) {
      return Path.of(env, "reference", "jaeger-cli-1.74");
    }
    for (Path p = repoRoot().getParent(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("reference").resolve("jaeger-cli-1.74");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find shared/reference/jaeger-cli-1.74 beside " + repoRoot()
        + " or its parents; set JAEGERJ_SHARED");
  }

  static Path goldenDir() {
    return repoRoot().resolve("server-common").resolve("src").resolve("test").resolve("resources").resolve("golden");
  }
}
