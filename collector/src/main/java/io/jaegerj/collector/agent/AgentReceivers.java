// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.agent;

import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tenancy.Tenancy;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy jaeger-agent UDP receivers: 6831 (compact emitBatch), 6832 (binary emitBatch), 5775 (Zipkin compact). Each
 * is configured by jaeger-agent 1.67's {@code processor.<name>.*} flags; an empty host-port disables it. Every port
 * accepts both {@code emitBatch} and {@code emitZipkinBatch}, as the agent's shared processor did. A datagram has
 * no tenant: with {@code --multi-tenancy.enabled} the ports still bind but refuse every span (counted, logged at a
 * bounded rate) instead of storing them under the default tenant, which no tenant's query can read (Jaeger has no
 * way to give agent traffic a tenant either).
 */
public final class AgentReceivers {
  /** One UDP processor: its flag prefix, its metric {@code model} label and its Thrift protocol. */
  record Processor(String name, String model, ThriftProtocol protocol, String defaultHostPort) {
    String prefix() {
      return "processor." + name + ".";
    }

    String protocolLabel() {
      return protocol == ThriftProtocol.COMPACT ? "compact" : "binary";
    }
  }

  static final List<Processor> PROCESSORS = List.of(
      new Processor("jaeger-compact", "jaeger", ThriftProtocol.COMPACT, ":6831"),
      new Processor("jaeger-binary", "jaeger", ThriftProtocol.BINARY, ":6832"),
      new Processor("zipkin-compact", "zipkin", ThriftProtocol.COMPACT, ":5775"));

  static final String HOST_PORT = "server-host-port";
  static final String MAX_PACKET_SIZE = "server-max-packet-size";
  static final String QUEUE_SIZE = "server-queue-size";
  static final String SOCKET_BUFFER_SIZE = "server-socket-buffer-size";
  static final String WORKERS = "workers";

  private AgentReceivers() {}

  /** Flags that move or disable each UDP port. */
  public static List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    for (Processor p : PROCESSORS) {
      String x = p.prefix();
      f.add(Flag.hostPort(x + HOST_PORT, p.defaultHostPort(), "host:port for the UDP server (empty disables it)"));
      f.add(Flag.integer(x + MAX_PACKET_SIZE, 65000, "max packet size for the UDP server"));
      f.add(Flag.integer(x + QUEUE_SIZE, 1000, "length of the queue for the UDP server"));
      f.add(Flag.integer(x + SOCKET_BUFFER_SIZE, 0, "socket buffer size for UDP packets in bytes"));
      f.add(Flag.integer(x + WORKERS, 10, "how many workers the processor should run"));
    }
    return f;
  }

  /**
   * Binds the enabled UDP ports; registers their shutdown with the context's lifecycle. {@code tenancy} is the
   * collector's: with it on, UDP spans (which carry no tenant) are refused.
   */
  public static void start(ServerContext context, SpanConsumer consumer, Tenancy tenancy) {
    for (UdpReceiver r : startAll(context, consumer, tenancy)) {
      context.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "udp " + r.name(), r::close);
    }
  }

  /** Starts every enabled processor; on a bind failure closes those already started and rethrows. */
  static List<UdpReceiver> startAll(ServerContext context, SpanConsumer consumer, Tenancy tenancy) {
    Settings s = context.settings();
    List<UdpReceiver> started = new ArrayList<>();
    try {
      for (Processor p : PROCESSORS) {
        String flag = p.prefix() + HOST_PORT;
        String hostPort = s.getString(flag).trim();
        if (hostPort.isEmpty()) {
          continue;
        }
        int maxPacket = s.getInt(p.prefix() + MAX_PACKET_SIZE);
        if (maxPacket <= 0 || maxPacket > 65535) {
          throw new IllegalArgumentException("--" + p.prefix() + MAX_PACKET_SIZE + ": " + maxPacket
              + " (expected: 1..65535)");
        }
        int queueSize = s.getInt(p.prefix() + QUEUE_SIZE);
        int workers = s.getInt(p.prefix() + WORKERS);
        if (queueSize <= 0 || workers <= 0) {
          throw new IllegalArgumentException("--" + p.prefix() + QUEUE_SIZE + " and --" + p.prefix() + WORKERS
              + " must be > 0");
        }
        int socketBuffer = s.getInt(p.prefix() + SOCKET_BUFFER_SIZE);
        UdpReceiver.Config config = new UdpReceiver.Config(p, flag, HostPort.parse(flag, hostPort), maxPacket,
            queueSize, workers, socketBuffer, tenancy.enabled());
        started.add(UdpReceiver.start(config, consumer, context.meters()));
      }
      return started;
    } catch (RuntimeException e) {
      for (UdpReceiver r : started) {
        r.close();
      }
      throw e;
    }
  }
}
