// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.agent;

import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.thrift.AgentMessage;
import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftDecodeException;
import io.jaegerj.collector.zipkin.JaegerZipkinConverter;
import io.jaegerj.model.Span;
import io.jaegerj.server.RateLimitedLog;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.net.PortBinding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent UDP port. The event loop copies each datagram (at most the max packet size; longer ones arrive
 * truncated and fail to decode, as in jaeger-agent) into a bounded queue and drops it when the queue is full;
 * worker threads decode the Thrift message and offer the spans to the pipeline. Metrics keep jaeger-agent's names:
 * {@code jaeger_agent_thrift_udp_server_packets_processed_total}, {@code …_packets_dropped_total},
 * {@code …_read_errors_total}, {@code jaeger_agent_thrift_udp_t_processor_handler_errors_total}, gauges
 * {@code …_packet_size} and {@code …_queue_size}, labelled {@code model} and {@code protocol}.
 */
final class UdpReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UdpReceiver.class);
  private static final byte[] STOP = new byte[0];

  /**
   * One port's settings. {@code tenancyEnabled}: {@code --multi-tenancy.enabled} is on; a datagram carries no
   * tenant, so its spans are refused (counted) rather than stored under the default tenant, which no tenant can read.
   */
  record Config(AgentReceivers.Processor processor, String flag, HostPort address, int maxPacketSize, int queueSize,
      int workers, int socketBufferSize, boolean tenancyEnabled) {}

  private final Config config;
  private final Channel channel;
  private final BlockingQueue<byte[]> queue;
  private final List<Thread> workers;

  private UdpReceiver(Config config, Channel channel, BlockingQueue<byte[]> queue, List<Thread> workers) {
    this.config = config;
    this.channel = channel;
    this.queue = queue;
    this.workers = workers;
  }

  /** Metrics of one port. */
  static final class Metrics {
    final Counter processed;
    final Counter dropped;
    final Counter readErrors;
    final Counter handlerErrors;
    final Counter spansWithoutTenant;
    final AtomicLong packetSize = new AtomicLong();
    final AtomicInteger queueSize = new AtomicInteger();

    Metrics(MeterRegistry registry, AgentReceivers.Processor p) {
      String[] tags = {"model", p.model(), "protocol", p.protocolLabel()};
      processed = Counter.builder("jaeger_agent_thrift_udp_server_packets_processed").tags(tags)
          .description("UDP packets decoded and handed to the pipeline").register(registry);
      dropped = Counter.builder("jaeger_agent_thrift_udp_server_packets_dropped").tags(tags)
          .description("UDP packets dropped because the queue or the pipeline was full").register(registry);
      readErrors = Counter.builder("jaeger_agent_thrift_udp_server_read_errors").tags(tags)
          .description("errors reading from the UDP socket").register(registry);
      handlerErrors = Counter.builder("jaeger_agent_thrift_udp_t_processor_handler_errors").tags(tags)
          .description("UDP packets that could not be decoded").register(registry);
      spansWithoutTenant = Counter.builder("jaegerj_agent_udp_spans_refused_without_tenant").tags(tags)
          .description("spans refused because multi-tenancy is enabled and UDP carries no tenant")
          .register(registry);
      Gauge.builder("jaeger_agent_thrift_udp_server_packet_size", packetSize, AtomicLong::get).tags(tags)
          .description("size of the last UDP packet").register(registry);
      Gauge.builder("jaeger_agent_thrift_udp_server_queue_size", queueSize, AtomicInteger::get).tags(tags)
          .description("packets waiting to be processed").register(registry);
    }
  }

  static UdpReceiver start(Config config, SpanConsumer consumer, MeterRegistry registry) {
    Metrics metrics = new Metrics(registry, config.processor());
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(config.queueSize());
    NettyTransport transport = NettyTransport.shared();
    Bootstrap b = new Bootstrap()
        .group(transport.workers())
        .channel(transport.datagramChannelClass())
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxPacketSize()))
        .handler(new Reader(queue, metrics));
    if (config.socketBufferSize() > 0) {
      b.option(ChannelOption.SO_RCVBUF, config.socketBufferSize());
    }
    Channel ch = PortBinding.bind(b, config.flag(), config.address());
    List<Thread> threads = new ArrayList<>(config.workers());
    String name = config.processor().name();
    for (int i = 0; i < config.workers(); i++) {
      Thread t = new Thread(new Worker(queue, metrics, consumer, config.processor(), config.tenancyEnabled()),
          "udp-" + name + "-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    LOG.info("Starting UDP server {} on port {}", name, PortBinding.port(ch));
    if (config.tenancyEnabled()) {
      LOG.warn("UDP server {} carries no tenant: with --multi-tenancy.enabled its spans are refused and counted in "
          + "jaegerj_agent_udp_spans_refused_without_tenant_total; send to a port that takes the tenant header "
          + "(OTLP 4317/4318, 14250, 14268, 9411)", name);
    }
    return new UdpReceiver(config, ch, queue, threads);
  }

  String name() {
    return config.processor().name();
  }

  int port() {
    return PortBinding.port(channel);
  }

  /** Closes the socket, lets the workers finish what is queued, then stops them. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (int i = 0; i < workers.size(); i++) {
      try {
        queue.put(STOP);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Thread t : workers) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.info("Stopped UDP server {}", name());
  }

  /** Event-loop side: copy and enqueue, never block. */
  private static final class Reader extends SimpleChannelInboundHandler<DatagramPacket> {
    private final BlockingQueue<byte[]> queue;
    private final Metrics metrics;

    Reader(BlockingQueue<byte[]> queue, Metrics metrics) {
      this.queue = queue;
      this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf buf = packet.content();
      byte[] bytes = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), bytes);
      metrics.packetSize.set(bytes.length);
      if (!queue.offer(bytes)) {
        metrics.dropped.increment();
        return;
      }
      metrics.queueSize.set(queue.size());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      metrics.readErrors.increment();
      LOG.debug("UDP read error", cause);
    }
  }

  /** Worker side: decode one datagram and offer its spans. */
  private static final class Worker implements Runnable {
    private final BlockingQueue<byte[]> queue;
    private final Metrics metrics;
    private final SpanConsumer consumer;
    private final AgentReceivers.Processor processor;
    private final boolean tenancyEnabled;
    private final RateLimitedLog withoutTenant = new RateLimitedLog(LOG, RateLimitedLog.Level.WARN);

    Worker(BlockingQueue<byte[]> queue, Metrics metrics, SpanConsumer consumer, AgentReceivers.Processor processor,
        boolean tenancyEnabled) {
      this.queue = queue;
      this.metrics = metrics;
      this.consumer = consumer;
      this.processor = processor;
      this.tenancyEnabled = tenancyEnabled;
    }

    @Override
    public void run() {
      while (true) {
        byte[] packet;
        try {
          packet = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (packet == STOP) {
          return;
        }
        metrics.queueSize.set(queue.size());
        try {
          handle(packet);
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable t) {
          metrics.handlerErrors.increment();
          LOG.warn("Failed to handle a UDP packet on {}", processor.name(), t);
        }
      }
    }

    private void handle(byte[] packet) {
      AgentMessage m;
      try {
        m = JaegerThriftDecoder.decodeAgentMessage(packet, 0, packet.length, processor.protocol());
      } catch (ThriftDecodeException e) {
        metrics.handlerErrors.increment();
        LOG.debug("Undecodable UDP packet on {}: {}", processor.name(), e.getMessage());
        return;
      }
      List<Span> spans;
      SpanConsumer.Format format;
      if (AgentMessage.EMIT_BATCH.equals(m.method())) {
        spans = m.jaegerSpans();
        format = SpanConsumer.Format.JAEGER;
      } else if (AgentMessage.EMIT_ZIPKIN_BATCH.equals(m.method())) {
        spans = JaegerZipkinConverter.convert(m.zipkinSpans());
        format = SpanConsumer.Format.ZIPKIN;
      } else {
        metrics.handlerErrors.increment();
        LOG.debug("Unknown method {} on {}", m.method(), processor.name());
        return;
      }
      metrics.processed.increment();
      if (tenancyEnabled) {
        if (!spans.isEmpty()) {
          metrics.spansWithoutTenant.increment(spans.size());
          withoutTenant.log("Refused {} spans on UDP server {}: multi-tenancy is enabled and UDP carries no tenant",
              spans.size(), processor.name());
        }
        return;
      }
      if (!spans.isEmpty()
          && consumer.submit("", spans, format, SpanConsumer.Transport.UDP) == SpanConsumer.Result.REJECTED_QUEUE_FULL) {
        metrics.dropped.increment();
      }
    }
  }
}
