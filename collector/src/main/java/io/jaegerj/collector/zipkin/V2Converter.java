// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zipkin v2 spans to the Jaeger model the way Jaeger 1.74 stores them: through the contrib Zipkin-to-OTLP translator
 * (without string-tag parsing) and then the OTLP-to-Jaeger translator. Stateless.
 */
final class V2Converter {
  private V2Converter() {}

  static final String SERVICE_NAME_SOURCE = "otlp.service.name.source";
  static final String LIBRARY_NAME = "otel.library.name";
  static final String LIBRARY_VERSION = "otel.library.version";

  /**
   * Tag keys that never become span attributes: OpenTelemetry resource semantic conventions (v1.6.1) plus the
   * translator's own markers. Present keys move to the process when the span has a local service name.
   */
  static final Set<String> NON_SPAN_KEYS = Set.of(
      SERVICE_NAME_SOURCE, LIBRARY_NAME, LIBRARY_VERSION,
      "opencensus.starttime", "opencensus.exporterversion", "opencensus.resourcetype",
      "cloud.provider", "cloud.account.id", "cloud.region", "cloud.availability_zone", "cloud.platform",
      "aws.ecs.container.arn", "aws.ecs.cluster.arn", "aws.ecs.launchtype", "aws.ecs.task.arn",
      "aws.ecs.task.family", "aws.ecs.task.revision", "aws.eks.cluster.arn", "aws.log.group.names",
      "aws.log.group.arns", "aws.log.stream.names", "aws.log.stream.arns",
      "container.name", "container.id", "container.runtime", "container.image.name", "container.image.tag",
      "deployment.environment",
      "device.id", "device.model.identifier", "device.model.name",
      "faas.name", "faas.id", "faas.version", "faas.instance", "faas.max_memory",
      "host.id", "host.name", "host.type", "host.arch", "host.image.name", "host.image.id", "host.image.version",
      "k8s.cluster.name", "k8s.node.name", "k8s.node.uid", "k8s.namespace.name", "k8s.pod.uid", "k8s.pod.name",
      "k8s.container.name", "k8s.container.restart_count", "k8s.replicaset.uid", "k8s.replicaset.name",
      "k8s.deployment.uid", "k8s.deployment.name", "k8s.statefulset.uid", "k8s.statefulset.name",
      "k8s.daemonset.uid", "k8s.daemonset.name", "k8s.job.uid", "k8s.job.name", "k8s.cronjob.uid",
      "k8s.cronjob.name",
      "os.type", "os.description", "os.name", "os.version",
      "process.pid", "process.executable.name", "process.executable.path", "process.command",
      "process.command_line", "process.command_args", "process.owner", "process.runtime.name",
      "process.runtime.version", "process.runtime.description",
      "service.name", "service.namespace", "service.instance.id", "service.version",
      "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version", "telemetry.auto.version",
      "webengine.name", "webengine.version", "webengine.description");

  static List<Span> convert(List<V2Span> spans) throws ZipkinDecodeException {
    List<Span> out = new ArrayList<>(spans.size());
    for (V2Span s : spans) {
      out.add(convert(s));
    }
    return out;
  }

  static Span convert(V2Span z) throws ZipkinDecodeException {
    OtlpShape o = new OtlpShape();
    Map<String, String> tags = new LinkedHashMap<>(z.tags());
    String localService = z.localEndpoint() == null ? "" : z.localEndpoint().serviceName();
    if (!localService.isEmpty()) {
      String source = tags.getOrDefault(SERVICE_NAME_SOURCE, "");
      String key = source.isEmpty() ? "service.name" : source;
      o.resource.put(key, KeyValue.string(key, localService));
      tags.remove(SERVICE_NAME_SOURCE);
      List<String> moved = new ArrayList<>();
      for (Map.Entry<String, String> e : tags.entrySet()) {
        String k = e.getKey();
        if (NON_SPAN_KEYS.contains(k) && !k.equals(LIBRARY_NAME) && !k.equals(LIBRARY_VERSION)) {
          o.resource.put(k, KeyValue.string(k, e.getValue()));
          moved.add(k);
        }
      }
      for (String k : moved) {
        tags.remove(k);
      }
    }
    String library = z.tags().getOrDefault(LIBRARY_NAME, "");
    if (!library.isEmpty()) {
      String n = tags.remove(LIBRARY_NAME);
      o.scopeName = n == null ? "" : n;
      String v = tags.remove(LIBRARY_VERSION);
      o.scopeVersion = v == null ? "" : v;
    }

    o.traceId = z.traceId();
    o.spanId = z.id();
    String traceState = tags.remove("w3c.tracestate");
    if (traceState != null) {
      o.traceState = traceState;
    }
    if (z.parentId() != null && z.parentId() != z.id()) {
      o.parentSpanId = z.parentId();
    }
    o.name = z.name();
    o.kind = kind(z.kind(), tags);
    status(tags, o);
    links(tags, o);

    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (!NON_SPAN_KEYS.contains(e.getKey())) {
        o.putString(e.getKey(), e.getValue());
      }
    }
    V2Span.Endpoint local = z.localEndpoint();
    if (local != null) {
      if (local.ipv4() != null) {
        o.putString("net.host.ip", local.ipv4());
      }
      if (local.ipv6() != null) {
        o.putString("net.host.ip", local.ipv6());
      }
      if (local.port() > 0) {
        o.attributes.put("net.host.port", KeyValue.int64("net.host.port", local.port()));
      }
    }
    V2Span.Endpoint remote = z.remoteEndpoint();
    if (remote != null) {
      if (!remote.serviceName().isEmpty()) {
        o.putString("peer.service", remote.serviceName());
      }
      if (remote.ipv4() != null) {
        o.putString("net.peer.ip", remote.ipv4());
      }
      if (remote.ipv6() != null) {
        o.putString("net.peer.ip", remote.ipv6());
      }
      if (remote.port() > 0) {
        o.attributes.put("net.peer.port", KeyValue.int64("net.peer.port", remote.port()));
      }
    }
    o.durationMicros = z.durationMicros();
    if (z.timestampMicros() == 0) {
      o.startMicros = 0;
      o.attributes.put("otel.zipkin.absentField.startTime",
          KeyValue.bool("otel.zipkin.absentField.startTime", true));
    } else {
      o.startMicros = z.timestampMicros();
    }
    for (V2Span.Annotation a : z.annotations()) {
      event(a, o);
    }
    return o.toJaeger();
  }

  private static int kind(String kind, Map<String, String> tags) {
    switch (kind) {
      case "CLIENT": return OtlpShape.KIND_CLIENT;
      case "SERVER": return OtlpShape.KIND_SERVER;
      case "PRODUCER": return OtlpShape.KIND_PRODUCER;
      case "CONSUMER": return OtlpShape.KIND_CONSUMER;
      default:
        String v = tags.remove("span.kind");
        return "internal".equals(v) ? OtlpShape.KIND_INTERNAL : OtlpShape.KIND_UNSPECIFIED;
    }
  }

  private static void status(Map<String, String> tags, OtlpShape o) {
    String code = tags.remove("otel.status_code");
    if (code != null) {
      switch (code) {
        case "STATUS_CODE_OK":
          o.statusCode = OtlpShape.STATUS_OK;
          break;
        case "STATUS_CODE_ERROR":
          o.statusCode = OtlpShape.STATUS_ERROR;
          break;
        default:
          o.statusCode = OtlpShape.STATUS_UNSET;
      }
      String description = tags.remove("otel.status_description");
      if (description != null) {
        o.statusMessage = description;
      }
    }
    if ("true".equals(tags.get("error"))) {
      o.statusCode = OtlpShape.STATUS_ERROR;
      tags.remove("error");
    }
  }

  /** Tags {@code otlp.link.0}, {@code otlp.link.1}, … until the first missing index. */
  private static void links(Map<String, String> tags, OtlpShape o) throws ZipkinDecodeException {
    for (int i = 0; i < 128; i++) {
      String value = tags.remove("otlp.link." + i);
      if (value == null) {
        return;
      }
      String[] parts = value.split("\\|", -1);
      if (parts.length < 5) {
        continue;
      }
      TraceId traceId = TraceId.fromBytes(hexId(parts[0], 16));
      long spanId = SpanId.fromBytes(hexId(parts[1], 8));
      String json = String.join("|", Arrays.asList(parts).subList(3, parts.length - 1));
      List<KeyValue> attrs = OtlpShape.jsonAttributes(json);
      OtlpShape.checkDropped(parts[parts.length - 1]);
      o.links.add(new SpanRef(OtlpShape.linkType(attrs), traceId, spanId));
    }
  }

  /** Hex, optionally quoted, of exactly {@code size} bytes; empty means all zero. */
  private static byte[] hexId(String text, int size) throws ZipkinDecodeException {
    String s = text;
    if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
      s = s.substring(1, s.length() - 1);
    }
    byte[] out = new byte[size];
    if (s.isEmpty()) {
      return out;
    }
    if (s.length() != size * 2) {
      throw new ZipkinDecodeException("invalid length for ID");
    }
    for (int i = 0; i < size; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new ZipkinDecodeException("cannot unmarshal ID from string '" + s + "'");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static void event(V2Span.Annotation a, OtlpShape o) throws ZipkinDecodeException {
    String[] parts = a.value().split("\\|", -1);
    if (parts.length < 3) {
      o.addEvent(a.timestampMicros(), parts[0], List.of());
      return;
    }
    String json = String.join("|", Arrays.asList(parts).subList(1, parts.length - 1));
    List<KeyValue> attrs = OtlpShape.jsonAttributes(json);
    OtlpShape.checkDropped(parts[parts.length - 1]);
    o.addEvent(a.timestampMicros(), parts[0], attrs);
  }
}
