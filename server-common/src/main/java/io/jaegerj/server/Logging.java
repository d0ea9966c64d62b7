// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures logback from {@code log-level} and {@code log-encoding}, writing to stderr as Jaeger's zap logger does:
 * {@code json} is one object per line ({@code level}, {@code ts} in epoch seconds like zap's, {@code logger},
 * {@code msg}, and {@code error} and {@code stacktrace} for exceptions); {@code console} is a tab-separated line.
 */
final class Logging {
  private Logging() {}

  static void configure(String level, String encoding) {
    ILoggerFactory f = LoggerFactory.getILoggerFactory();
    if (!(f instanceof LoggerContext ctx)) {
      return; // another SLF4J backend was chosen by the embedding application; leave it alone
    }
    ctx.reset();
    // java.util.logging (gRPC) goes through SLF4J; the propagator keeps JUL levels in step so that disabled
    // records are dropped before the bridge.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(ctx);
    propagator.setResetJUL(true);
    propagator.start();
    ctx.addListener(propagator);
    LayoutBase<ILoggingEvent> layout = "console".equals(encoding) ? new ConsoleLayout() : new JsonLayout();
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(toLevel(level));
    root.addAppender(appender);
    // Client libraries are chatty at DEBUG; keep them at INFO unless asked for more via their own config.
    ctx.getLogger("io.netty").setLevel(level.equals("debug") ? Level.INFO : null);
  }

  static Level toLevel(String level) {
    switch (level.toLowerCase(Locale.ROOT)) {
      case "debug":
        return Level.DEBUG;
      case "warn":
        return Level.WARN;
      case "error":
      case "dpanic":
      case "panic":
      case "fatal":
        return Level.ERROR;
      default:
        return Level.INFO;
    }
  }

  static String levelName(Level l) {
    return l.toString().toLowerCase(Locale.ROOT);
  }

  static final class JsonLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent e) {
      StringBuilder b = new StringBuilder(256);
      b.append("{\"level\":\"").append(levelName(e.getLevel())).append("\",\"ts\":");
      epochSeconds(b, e.getInstant() != null ? e.getInstant() : Instant.ofEpochMilli(e.getTimeStamp()));
      b.append(",\"logger\":");
      quote(b, e.getLoggerName());
      b.append(",\"msg\":");
      quote(b, e.getFormattedMessage());
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        b.append(",\"error\":");
        quote(b, t.getClassName() + ": " + t.getMessage());
        b.append(",\"stacktrace\":");
        quote(b, ThrowableProxyUtil.asString(t));
      }
      b.append('}').append(CoreConstants.LINE_SEPARATOR);
      return b.toString();
    }
  }

  /** Seconds since the epoch with a fraction, as zap's production encoder writes {@code ts}. */
  static void epochSeconds(StringBuilder b, Instant t) {
    b.append(t.getEpochSecond()).append('.');
    String frac = Integer.toString(t.getNano() / 1000);
    for (int i = frac.length(); i < 6; i++) {
      b.append('0');
    }
    b.append(frac);
  }

  static final class ConsoleLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent e) {
      StringBuilder b = new StringBuilder(128)
          .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
              Instant.ofEpochMilli(e.getTimeStamp()).atOffset(ZoneOffset.UTC)))
          .append('\t').append(e.getLevel().toString())
          .append('\t').append(e.getLoggerName())
          .append('\t').append(e.getFormattedMessage())
          .append(CoreConstants.LINE_SEPARATOR);
      if (e.getThrowableProxy() != null) {
        b.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
      }
      return b.toString();
    }
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    if (s != null) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"':
            b.append("\\\"");
            break;
          case '\\':
            b.append("\\\\");
            break;
          case '\n':
            b.append("\\n");
            break;
          case '\r':
            b.append("\\r");
            break;
          case '\t':
            b.append("\\t");
            break;
          default:
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
        }
      }
    }
    b.append('"');
  }
}
