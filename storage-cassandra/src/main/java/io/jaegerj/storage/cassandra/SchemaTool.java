// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.jaegerj.tls.ClientTlsConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The schema tool, as Jaeger's {@code jaeger-cassandra-schema} image: {@code java -jar storage-cassandra-*-exec.jar}
 * applies schema v004 over the driver; {@code ... print} only prints the CQL (as {@code schema/create.sh}).
 *
 * <p>Environment: {@code CQLSH_HOST} (cassandra), {@code CQLSH_PORT} (9042), {@code CQLSH_SSL} (non-empty: TLS,
 * with {@code SSL_CERTFILE} or {@code ~/.cassandra/cqlshrc} [ssl] {@code certfile}/{@code usercert}/{@code userkey},
 * {@code SSL_VALIDATE=false} to skip verification), {@code CASSANDRA_USERNAME}/{@code CASSANDRA_PASSWORD},
 * {@code CASSANDRA_WAIT_TIMEOUT} (60 s), {@code MODE} (test), {@code DATACENTER} (dc1), {@code KEYSPACE}
 * ({@code jaeger_v1_<DATACENTER>}), {@code REPLICATION_FACTOR}, {@code REPLICATION}, {@code TRACE_TTL},
 * {@code DEPENDENCIES_TTL}, {@code COMPACTION_WINDOW}, {@code VERSION} (the server's major version when unset).
 * Idempotent; exits 1 with one line naming the problem.
 */
public final class SchemaTool {
  private SchemaTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("MODE", "test");
    e.putIfAbsent("DATACENTER", "dc1");
    boolean print = args.length > 0 && args[0].equals("print");
    if (args.length > 0 && !print) {
      err.println("usage: java -jar storage-cassandra-exec.jar [print]   (settings in the environment, see README)");
      return 1;
    }
    try {
      if (print) {
        out.print(Schema.fromEnv(e).render());
        return 0;
      }
      Schema.fromEnv(e); // parameters checked before connecting
      String host = e.getOrDefault("CQLSH_HOST", "cassandra");
      int port = Integer.parseInt(e.getOrDefault("CQLSH_PORT", "9042").trim());
      Duration wait = Duration.ofSeconds(Long.parseLong(e.getOrDefault("CASSANDRA_WAIT_TIMEOUT", "60").trim()));
      CassandraConfig config = connection(e, host, port);
      try (CqlSession session = connect(config, wait, err)) {
        if (!e.containsKey("VERSION")) {
          Row r = session.execute("SELECT release_version FROM system.local").one();
          String release = r == null ? "4" : r.getString(0);
          e.put("VERSION", release.substring(0, release.indexOf('.') > 0 ? release.indexOf('.') : release.length()));
          err.println("Cassandra version " + release);
        }
        Schema schema = Schema.fromEnv(e);
        apply(session, schema);
        err.println("schema v004 applied to keyspace " + schema.keyspace() + " on " + host + ":" + port);
      }
      return 0;
    } catch (IllegalArgumentException | IllegalStateException ex) {
      err.println("error: " + ex.getMessage());
      return 1;
    } catch (RuntimeException ex) {
      err.println("error: " + ex);
      return 1;
    }
  }

  /** Runs every statement of the schema; each is {@code IF NOT EXISTS}, and schema agreement is awaited. */
  static void apply(CqlSession session, Schema schema) {
    for (String st : schema.statements()) {
      try {
        session.execute(SimpleStatement.newInstance(st).setTimeout(Duration.ofSeconds(30)));
      } catch (RuntimeException ex) {
        String first = st.lines().findFirst().orElse(st);
        throw new IllegalStateException("statement \"" + first + "\" failed: " + ex.getMessage(), ex);
      }
    }
    session.checkSchemaAgreement();
  }

  private static CqlSession connect(CassandraConfig config, Duration wait, PrintStream err) {
    long deadline = System.nanoTime() + wait.toNanos();
    RuntimeException last;
    while (true) {
      try {
        return Sessions.open(config, "jaegerj-schema");
      } catch (RuntimeException ex) {
        last = ex;
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException("cannot connect to Cassandra at " + config.servers() + ":" + config.port()
            + " within " + wait.toSeconds() + " s: " + last.getMessage(), last);
      }
      err.println("waiting for Cassandra at " + config.servers() + ":" + config.port() + " ...");
      try {
        Thread.sleep(1000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", ie);
      }
    }
  }

  private static CassandraConfig connection(Map<String, String> e, String host, int port) {
    Optional<ClientTlsConfig> tls = Optional.empty();
    if (!e.getOrDefault("CQLSH_SSL", "").isEmpty()) {
      Map<String, String> rc = cqlshrcSsl(Path.of(System.getProperty("user.home"), ".cassandra", "cqlshrc"));
      String ca = e.getOrDefault("SSL_CERTFILE", rc.getOrDefault("certfile", ""));
      boolean validate = !"false".equalsIgnoreCase(e.getOrDefault("SSL_VALIDATE", rc.getOrDefault("validate",
          "true")));
      tls = Optional.of(new ClientTlsConfig(expand(ca), expand(rc.getOrDefault("usercert", "")),
          expand(rc.getOrDefault("userkey", "")), "", !validate));
    }
    return new CassandraConfig(List.of(host), port, "system", e.getOrDefault("CASSANDRA_LOCAL_DC", ""), "ONE", 1,
        4, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, 1, true,
        e.getOrDefault("CASSANDRA_USERNAME", ""), e.getOrDefault("CASSANDRA_PASSWORD", ""), List.of(),
        Duration.ZERO, TagFilter.ALL, tls, false);
  }

  private static String expand(String path) {
    return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
  }

  /** The [ssl] section of cqlsh's configuration file (certfile, usercert, userkey, validate); empty if none. */
  static Map<String, String> cqlshrcSsl(Path file) {
    Map<String, String> out = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      boolean inSsl = false;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.startsWith("[")) {
          inSsl = l.equals("[ssl]");
        } else if (inSsl && l.contains("=") && !l.startsWith(";") && !l.startsWith("#")) {
          String k = l.substring(0, l.indexOf('=')).strip();
          if (Set.of("certfile", "usercert", "userkey", "validate").contains(k)) {
            out.put(k, l.substring(l.indexOf('=') + 1).strip());
          }
        }
      }
    } catch (IOException ex) {
      throw new IllegalStateException("cannot read " + file + ": " + ex.getMessage(), ex);
    }
    return out;
  }
}
