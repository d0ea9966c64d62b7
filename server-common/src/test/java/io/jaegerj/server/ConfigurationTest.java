// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigurationTest {
  @TempDir Path dir;

  static Configuration resolve(Map<String, String> env, String... args) {
    StorageRegistry registry = StorageRegistry.load(ConfigurationTest.class.getClassLoader());
    Cli.Invocation inv = Cli.parse(CliRunner.SPEC, args, env, registry);
    return Configuration.resolve(inv.flags(), inv.selection(), inv.values(), env, true);
  }

  static final Map<String, String> FILES = Map.of(
      "json", """
          {"test-a": {"max-traces": 3, "timeout": "1s", "servers": ["h1", "h2"]},
           "metrics-http-route": "/from-file", "admin.http.host-port": ":1111"}
          """,
      "yaml", """
          test-a:
            max-traces: 3
            timeout: 1s
            servers: [h1, h2]
          metrics-http-route: /from-file
          admin.http.host-port: ":1111"
          """,
      "toml", """
          metrics-http-route = "/from-file"
          "admin.http.host-port" = ":1111"
          [test-a]
          max-traces = 3
          timeout = "1s"
          servers = ["h1", "h2"]
          """,
      "hcl", """
          metrics-http-route = "/from-file"
          "admin.http.host-port" = ":1111"
          test-a {
            max-traces = 3
            timeout = "1s"
            servers = ["h1", "h2"]
          }
          """,
      "properties", """
          test-a.max-traces=3
          test-a.timeout=1s
          test-a.servers=h1,h2
          metrics-http-route=/from-file
          admin.http.host-port=:1111
          """);

  @ParameterizedTest
  @CsvSource({"json", "yaml", "toml", "hcl", "properties"})
  void resolve_eachFormat_flagBeatsEnvBeatsFileBeatsDefault(String format) throws Exception {
    Path file = dir.resolve("config." + format);
    Files.writeString(file, FILES.get(format));
    Map<String, String> env = Map.of("TEST_A_MAX_TRACES", "2", "TEST_A_TIMEOUT", "2s");

    Configuration c = resolve(env, "--config-file=" + file, "--test-a.max-traces", "1");
    Settings s = c.settings();

    assertThat(s.getLong("test-a.max-traces")).isEqualTo(1); // flag over env and file
    assertThat(s.getDuration("test-a.timeout")).isEqualTo(Duration.ofSeconds(2)); // env over file
    assertThat(s.getString("metrics-http-route")).isEqualTo("/from-file"); // file over default
    assertThat(s.getString("admin.http.host-port")).isEqualTo(":1111"); // flat dotted key
    assertThat(s.getList("test-a.servers")).containsExactly("h1", "h2"); // list from the file
    assertThat(s.getBool("test-a.create-schema")).isFalse(); // default
    assertThat(c.userAssigned()).contains("test-a.max-traces", "test-a.timeout", "metrics-http-route")
        .doesNotContain("test-a.create-schema");
  }

  @Test
  void resolve_configFileFromEnv_isRead() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "log-level: debug\n");
    Configuration c = resolve(Map.of("CONFIG_FILE", file.toString()));
    assertThat(c.settings().getString("log-level")).isEqualTo("debug");
  }

  @Test
  void resolve_envNames_upperCaseUnderscores() {
    Configuration c = resolve(Map.of("ADMIN_HTTP_HOST_PORT", ":2222", "ADMIN_HTTP_TLS_RELOAD_INTERVAL", "1m",
        "MULTI_TENANCY_ENABLED", "true"));
    assertThat(c.settings().getString("admin.http.host-port")).isEqualTo(":2222");
    assertThat(c.settings().getDuration("admin.http.tls.reload-interval")).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.settings().getBool("multi-tenancy.enabled")).isTrue();
    assertThat(new Flag("ingester.deadlockInterval", "0s", Flag.Type.DURATION, "").envName())
        .isEqualTo("INGESTER_DEADLOCKINTERVAL");
  }

  @Test
  void resolve_emptyEnv_isUnset() {
    assertThat(resolve(Map.of("LOG_LEVEL", "")).settings().getString("log-level")).isEqualTo("info");
  }

  @Test
  void resolve_boolWithoutValue_isTrue() {
    Configuration c = resolve(Map.of(), "--test-a.create-schema", "--admin.http.tls.enabled=false");
    assertThat(c.settings().getBool("test-a.create-schema")).isTrue();
    assertThat(c.settings().getBool("admin.http.tls.enabled")).isFalse();
  }

  @Test
  void resolve_repeatedFlag_lastWins() {
    assertThat(resolve(Map.of(), "--log-level=warn", "--log-level=error").settings().getString("log-level"))
        .isEqualTo("error");
  }

  @Test
  void resolve_badValuesFromEverySource_nameTheFlag() throws Exception {
    assertThatThrownBy(() -> resolve(Map.of(), "--test-a.timeout=5"))
        .hasMessage("invalid argument \"5\" for \"--test-a.timeout\" flag: time: invalid duration \"5\"");
    assertThatThrownBy(() -> resolve(Map.of("TEST_A_MAX_TRACES", "many")))
        .hasMessageContaining("TEST_A_MAX_TRACES").hasMessageContaining("--test-a.max-traces")
        .hasMessageContaining("strconv.ParseInt");
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"multi-tenancy\": {\"enabled\": \"maybe\"}}");
    assertThatThrownBy(() -> resolve(Map.of(), "--config-file", file.toString()))
        .hasMessageContaining("--multi-tenancy.enabled").hasMessageContaining("in config file")
        .hasMessageContaining("strconv.ParseBool");
    assertThatThrownBy(() -> resolve(Map.of(), "--admin.http.host-port=localhost:http"))
        .hasMessageContaining("--admin.http.host-port").hasMessageContaining("not a number");
    assertThatThrownBy(() -> resolve(Map.of(), "--log-level=loud")).hasMessageContaining("--log-level");
    assertThatThrownBy(() -> resolve(Map.of(), "--log-encoding=xml")).hasMessageContaining("--log-encoding");
    assertThatThrownBy(() -> resolve(Map.of(), "--metrics-backend=expvar")).hasMessageContaining("--metrics-backend");
  }

  @Test
  void resolve_missingOrMalformedFile_fails() throws Exception {
    assertThatThrownBy(() -> resolve(Map.of(), "--config-file=" + dir.resolve("nope.yaml")))
        .hasMessageStartingWith("cannot load config file ");
    Path bad = dir.resolve("x.ini");
    Files.writeString(bad, "a=b");
    assertThatThrownBy(() -> resolve(Map.of(), "--config-file=" + bad)).hasMessageContaining("Unsupported Config Type");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{");
    assertThatThrownBy(() -> resolve(Map.of(), "--config-file=" + broken))
        .hasMessageStartingWith("cannot load config file ");
  }

  @Test
  void selection_spanStorageType_commaListNotTrimmed() {
    Map<String, String> env = new HashMap<>();
    env.put("SPAN_STORAGE_TYPE", "test-a,test-b");
    Configuration c = resolve(env);
    assertThat(c.selection().spanTypes()).containsExactly("test-a", "test-b");
    assertThat(c.selection().dependencyType()).isEqualTo("test-a");
    assertThat(c.selection().warnings()).singleElement().asString().contains("Only the first type (test-a)");
    assertThatThrownBy(() -> resolve(Map.of("SPAN_STORAGE_TYPE", "test-a, test-b")))
        .hasMessage("Cannot initialize storage factory: unknown storage type  test-b. Valid types are [test-a test-b]");
  }

  @Test
  void selection_deprecatedFlag_usedWhenEnvUnset() {
    Configuration c = resolve(Map.of(), "--span-storage.type", "test-b");
    assertThat(c.selection().spanTypes()).containsExactly("test-b");
    assertThat(c.selection().warnings()).singleElement().asString().contains("deprecated");
    assertThat(resolve(Map.of("SPAN_STORAGE_TYPE", "test-a"), "--span-storage.type=test-b").selection().spanTypes())
        .containsExactly("test-a");
  }

  @Test
  void flags_storageFlags_onlyWhenSelected() {
    BinarySpec spec = new BinarySpec("x", "x", "test-a", ":1", false, List.of());
    StorageRegistry empty = StorageRegistry.of(List.of());
    assertThatThrownBy(() -> StorageSelection.resolve(spec, new String[0], Map.of(), empty))
        .hasMessageContaining("unknown storage type test-a");
    assertThat(JaegerMain.flags(spec, Map.of())).extracting(Flag::name)
        .contains("test-a.max-traces", "admin.http.host-port", "multi-tenancy.header")
        .doesNotContain("downsampling.ratio");
    assertThat(JaegerMain.flags(CliRunner.SPEC, Map.of())).extracting(Flag::name)
        .contains("downsampling.ratio", "downsampling.hashsalt");
  }
}
