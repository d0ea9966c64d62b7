// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import java.util.Arrays;

/**
 * Entry point of the exec jar: {@code java -jar storage-elasticsearch-<v>-exec.jar es-rollover ...} or
 * {@code ... es-index-cleaner ...}; the rest of the arguments go to the tool unchanged.
 */
public final class EsTools {
  private EsTools() {}

  public static void main(String[] args) {
    String tool = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (tool) {
      case "es-rollover" -> EsRollover.main(rest);
      case "es-index-cleaner" -> EsIndexCleaner.main(rest);
      default -> {
        System.err.println("usage: java -jar storage-elasticsearch-exec.jar {es-rollover|es-index-cleaner} ...");
        System.exit(2);
      }
    }
  }
}
