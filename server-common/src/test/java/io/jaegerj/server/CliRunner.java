// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with captured output. */
record CliRunner(int exitCode, String out, String err) {
  static final BinarySpec SPEC = new BinarySpec("jaeger-test", "Jaeger test binary", "test-a", ":14269", true,
      List.of());

  static CliRunner run(BinarySpec spec, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = JaegerMain.run(spec, args, env, o, e);
    }
    return new CliRunner(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static CliRunner run(Map<String, String> env, String... args) {
    return run(SPEC, env, args);
  }
}
