// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.tls.ClientTlsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Jaeger's Kafka authentication flag family under a prefix ({@code kafka.producer} or {@code kafka.consumer}):
 * {@code authentication} ({@code none|kerberos|tls|plaintext}), {@code kerberos.*}, {@code plaintext.*} (SASL
 * PLAIN / SCRAM) and the client TLS set {@code tls.*}, turned into kafka-clients security properties.
 */
public final class KafkaAuth {
  private KafkaAuth() {}

  /** The flags with Jaeger 1.74's names, defaults and help texts. */
  public static List<Flag> flags(String prefix) {
    String p = prefix + ".";
    List<Flag> out = new ArrayList<>(List.of(
        Flag.string(p + "authentication", "none",
            "Authentication type used to authenticate with kafka cluster. e.g. none, kerberos, tls, plaintext"),
        Flag.string(p + "kerberos.service-name", "kafka", "Kerberos service name"),
        Flag.string(p + "kerberos.realm", "", "Kerberos realm"),
        Flag.bool(p + "kerberos.use-keytab", false,
            "Use of keytab instead of password, if this is true, keytab file will be used instead of password"),
        Flag.string(p + "kerberos.username", "", "The Kerberos username used for authenticate with KDC"),
        Flag.string(p + "kerberos.password", "", "The Kerberos password used for authenticate with KDC"),
        Flag.string(p + "kerberos.config-file", "/etc/krb5.conf", "Path to Kerberos configuration. i.e /etc/krb5.conf"),
        Flag.string(p + "kerberos.keytab-file", "/etc/security/kafka.keytab",
            "Path to keytab file. i.e /etc/security/kafka.keytab"),
        Flag.bool(p + "kerberos.disable-fast-negotiation", false,
            "Disable FAST negotiation when not supported by KDC's like Active Directory. See"
                + " https://github.com/jcmturner/gokrb5/blob/master/USAGE.md#active-directory-kdc-and-fast-negotiation."),
        Flag.string(p + "plaintext.username", "", "The plaintext Username for SASL/PLAIN authentication"),
        Flag.string(p + "plaintext.password", "", "The plaintext Password for SASL/PLAIN authentication"),
        Flag.string(p + "plaintext.mechanism", "PLAIN",
            "The plaintext Mechanism for SASL/PLAIN authentication, e.g. 'SCRAM-SHA-256' or 'SCRAM-SHA-512' or"
                + " 'PLAIN'")));
    out.addAll(ClientTlsConfig.flags(prefix));
    return out;
  }

  /**
   * Adds {@code security.protocol} and the SASL / TLS properties to {@code props}.
   *
   * @throws IllegalArgumentException naming the flag for an unknown method or mechanism, or bad TLS options
   */
  public static void apply(Settings settings, String prefix, Map<String, Object> props) {
    String p = prefix + ".";
    String method = settings.getString(p + "authentication").trim().toLowerCase(Locale.ROOT);
    Optional<ClientTlsConfig> tls = ClientTlsConfig.from(settings, prefix);
    if (method.equals("tls") && tls.isEmpty()) {
      tls = Optional.of(ClientTlsConfig.DEFAULT);
    }
    boolean ssl = tls.isPresent();
    switch (method) {
      case "none", "tls" -> props.put("security.protocol", ssl ? "SSL" : "PLAINTEXT");
      case "plaintext" -> {
        props.put("security.protocol", ssl ? "SASL_SSL" : "SASL_PLAINTEXT");
        String mechanism = settings.getString(p + "plaintext.mechanism").trim().toUpperCase(Locale.ROOT);
        String module = switch (mechanism) {
          case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
          case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
          default -> throw new IllegalArgumentException(p + "plaintext.mechanism: " + mechanism
              + " (expected: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
        };
        props.put("sasl.mechanism", mechanism);
        props.put("sasl.jaas.config", module + " required username=" + quote(settings.getString(p + "plaintext.username"))
            + " password=" + quote(settings.getString(p + "plaintext.password")) + ";");
      }
      case "kerberos" -> {
        props.put("security.protocol", ssl ? "SASL_SSL" : "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "GSSAPI");
        props.put("sasl.kerberos.service.name", settings.getString(p + "kerberos.service-name"));
        String realm = settings.getString(p + "kerberos.realm");
        String user = settings.getString(p + "kerberos.username");
        String principal = realm.isEmpty() ? user : user + "@" + realm;
        if (!settings.getBool(p + "kerberos.use-keytab")) {
          throw new IllegalArgumentException(p + "kerberos.use-keytab=false: password login to the KDC is not"
              + " supported by this build; set " + p + "kerberos.use-keytab=true and " + p + "kerberos.keytab-file");
        }
        String krb5 = settings.getString(p + "kerberos.config-file");
        if (!krb5.isEmpty() && System.getProperty("java.security.krb5.conf") == null) {
          System.setProperty("java.security.krb5.conf", krb5);
        }
        props.put("sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true"
            + " storeKey=true keyTab=" + quote(settings.getString(p + "kerberos.keytab-file"))
            + " principal=" + quote(principal) + ";");
      }
      default -> throw new IllegalArgumentException(
          "Unknown/Unsupported authentication method " + method + " to kafka cluster");
    }
    tls.ifPresent(t -> TlsEngineFactory.configure(t, props));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
