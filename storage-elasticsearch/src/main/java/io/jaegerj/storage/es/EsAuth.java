// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.storage.CallerCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Authorization} headers of each request, as Jaeger 1.74 adds them: one header per configured method, in
 * the order API key ({@code APIKey <key>}), bearer token ({@code Bearer <token>}), basic ({@code Basic <b64>}). A
 * token comes from the caller's context when the method allows it and the caller has one, else from its file. Files
 * are re-read lazily when a header is needed and the reload interval has passed since the last read (0: read once);
 * a failed re-read keeps the previous value. Thread-safe.
 */
final class EsAuth {
  private static final Logger log = LoggerFactory.getLogger(EsAuth.class);

  /** A file holding a token or password, re-read at most every {@code interval}. */
  static final class TokenFile {
    private final Path path;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private String value;
    private long readAt;

    TokenFile(String path, Duration interval, LongSupplier nanoTime, String flag) {
      this.path = Path.of(path);
      this.intervalNanos = interval.toNanos();
      this.nanoTime = nanoTime;
      try {
        this.value = read();
      } catch (IOException e) {
        throw new IllegalArgumentException(flag + ": cannot read " + path + ": " + e.getMessage(), e);
      }
      this.readAt = nanoTime.getAsLong();
    }

    private String read() throws IOException {
      String s = Files.readString(path, StandardCharsets.UTF_8);
      int end = s.length();
      while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
        end--;
      }
      return s.substring(0, end);
    }

    synchronized String get() {
      long now = nanoTime.getAsLong();
      if (intervalNanos > 0 && now - readAt >= intervalNanos) {
        try {
          value = read();
        } catch (IOException e) {
          log.warn("cannot re-read {}, keeping the previous value: {}", path, e.toString());
        }
        readAt = now;
      }
      return value;
    }
  }

  private enum Scheme {
    API_KEY("APIKey"), BEARER("Bearer"), BASIC("Basic");

    final String text;

    Scheme(String text) {
      this.text = text;
    }
  }

  /** One method: a static value, a file, the caller's context, or a file with the context taking precedence. */
  private record Method(Scheme scheme, String staticValue, TokenFile file, boolean fromContext, String username) {
    String token(CallerCredentials.Credentials caller) {
      if (fromContext && caller != null) {
        String t = scheme == Scheme.API_KEY ? caller.apiKey() : caller.bearerToken();
        if (!t.isEmpty()) {
          return t;
        }
      }
      if (scheme == Scheme.BASIC) {
        String password = file != null ? file.get() : staticValue;
        if (file != null && password.isEmpty()) {
          return "";
        }
        return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      }
      return file != null ? file.get() : "";
    }
  }

  static final EsAuth NONE = new EsAuth(List.of());

  private final List<Method> methods;

  private EsAuth(List<Method> methods) {
    this.methods = List.copyOf(methods);
  }

  /** The methods of one {@code es} / {@code es-archive} family. */
  static EsAuth of(EsConfig.Auth a, LongSupplier nanoTime, String flagPrefix) {
    List<Method> methods = new ArrayList<>();
    if (!a.apiKeyFile().isEmpty() || a.apiKeyFromContext()) {
      methods.add(new Method(Scheme.API_KEY, "", a.apiKeyFile().isEmpty() ? null
          : new TokenFile(a.apiKeyFile(), a.apiKeyReload(), nanoTime, flagPrefix + "api-key-file"),
          a.apiKeyFromContext(), ""));
    }
    if (!a.tokenFile().isEmpty() || a.bearerFromContext()) {
      methods.add(new Method(Scheme.BEARER, "", a.tokenFile().isEmpty() ? null
          : new TokenFile(a.tokenFile(), a.bearerReload(), nanoTime, flagPrefix + "token-file"),
          a.bearerFromContext(), ""));
    }
    if (!a.username().isEmpty()) {
      methods.add(new Method(Scheme.BASIC, a.password(), a.passwordFile().isEmpty() ? null
          : new TokenFile(a.passwordFile(), a.passwordReload(), nanoTime, flagPrefix + "password-file"),
          false, a.username()));
    }
    return new EsAuth(methods);
  }

  /** Basic authentication with fixed credentials (the tools): only when both are set, as Jaeger's tools do. */
  static EsAuth basic(String username, String password) {
    if (username.isEmpty() || password.isEmpty()) {
      return NONE;
    }
    return new EsAuth(List.of(new Method(Scheme.BASIC, password, null, false, username)));
  }

  /** Header values for a request made on behalf of {@code caller} (null: no caller, e.g. bulk writes, sniffing). */
  List<String> headers(CallerCredentials.Credentials caller) {
    if (methods.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(methods.size());
    for (Method m : methods) {
      String token = m.token(caller);
      if (!token.isEmpty()) {
        out.add(m.scheme.text + " " + token);
      }
    }
    return out;
  }

  /** Whether a method may only get its token from the caller, so that nothing can authenticate at startup. */
  boolean contextOnly() {
    for (Method m : methods) {
      if (m.fromContext && m.file == null) {
        return true;
      }
    }
    return false;
  }
}
