// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code version} and {@code /version} report. {@code gitVersion} is the Jaeger release we are compatible with,
 * with our own version as semver build metadata, so tools comparing versions see 1.74.0. The UI's About menu shows
 * the same object ({@code JAEGER_VERSION} in {@code index.html}).
 */
public record BuildInfo(String gitCommit, String gitVersion, String buildDate) {
  static final String JAEGER_VERSION = "v1.74.0";
  private static final BuildInfo INSTANCE = load();

  /** This build's information. */
  public static BuildInfo get() {
    return INSTANCE;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version", "dev");
    return new BuildInfo(p.getProperty("gitCommit", "unknown"), JAEGER_VERSION + "+jaegerj-" + version,
        p.getProperty("buildDate", ""));
  }

  /** The JSON object of {@code /version} and of the UI's {@code JAEGER_VERSION}. */
  public String json() {
    return "{\"gitCommit\":\"" + gitCommit + "\",\"gitVersion\":\"" + gitVersion + "\",\"buildDate\":\"" + buildDate
        + "\"}";
  }
}
