// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Pre-encoded request bodies whose IDs and timestamps are patched in place for every request, so the generator spends
 * microseconds, not a core, per request and leaves the CPU to the server under test. The bodies are produced once by
 * a real client library; this class only finds where the placeholder IDs and times ended up in the bytes.
 *
 * <p>Immutable and thread-safe; {@link #instantiate} allocates fresh bodies.
 */
public final class Template {
  /** How IDs and times are written by a wire format. */
  public enum Encoding {
    /** IDs as raw big-endian bytes, times as little-endian fixed64 nanoseconds (OTLP protobuf). */
    PROTO_NANOS,
    /** IDs and times (microseconds) as big-endian i64 (Thrift binary). */
    THRIFT_MICROS,
    /** IDs as lower-case hex, times as decimal microseconds (Zipkin JSON). */
    JSON_HEX_MICROS
  }

  private static final byte KIND_ID_RAW = 0;
  private static final byte KIND_ID_HEX = 1;
  private static final byte KIND_TIME_NANOS_LE = 2;
  private static final byte KIND_TIME_MICROS_BE = 3;
  private static final byte KIND_TIME_MICROS_DEC = 4;
  private static final byte KIND_CUSTOMER = 5;
  private static final byte[] CUSTOMER = Workload.CUSTOMER_PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final byte[][] bodies;
  private final int[] spansPerBody;
  private final int[][] offsets;
  private final byte[][] kinds;
  private final int[][] slots;
  private final int idCount;
  private final int[] traceHighSlot;
  private final int[] traceLowSlot;
  private final long baseMicros;
  private final int customers;
  private final int customerDigits;

  private Template(byte[][] bodies, int[] spansPerBody, int[][] offsets, byte[][] kinds, int[][] slots, int idCount,
      int[] traceHighSlot, int[] traceLowSlot, long baseMicros, int customers, int customerDigits) {
    this.bodies = bodies;
    this.spansPerBody = spansPerBody;
    this.offsets = offsets;
    this.kinds = kinds;
    this.slots = slots;
    this.idCount = idCount;
    this.traceHighSlot = traceHighSlot;
    this.traceLowSlot = traceLowSlot;
    this.baseMicros = baseMicros;
    this.customers = customers;
    this.customerDigits = customerDigits;
  }

  /** One request unit: its bodies (each one HTTP/gRPC request), the spans in each, and the trace IDs it carries. */
  public record Unit(byte[][] bodies, int[] spansPerBody, long[] traceIdHigh, long[] traceIdLow) {
    public int spans() {
      int n = 0;
      for (int s : spansPerBody) {
        n += s;
      }
      return n;
    }
  }

  public int bodyCount() {
    return bodies.length;
  }

  /** The bodies exactly as encoded, with the placeholder IDs and times (for benchmarks that decode them). */
  public byte[] body(int i) {
    return bodies[i].clone();
  }

  public int spansInBody(int i) {
    return spansPerBody[i];
  }

  /**
   * Locates every placeholder of {@code traces} in {@code bodies}.
   *
   * @throws IllegalStateException if a trace or span ID or a span start is not found, or two matches overlap
   */
  public static Template locate(List<byte[]> bodies, int[] spansPerBody, List<Workload.GenTrace> traces,
      long baseMicros, Encoding encoding, Workload workload) {
    int digits = workload.customerDigits();
    Map<Long, Integer> ids = new HashMap<>();
    int[] high = new int[traces.size()];
    int[] low = new int[traces.size()];
    Set<Long> times = new HashSet<>();
    Set<Long> requiredTimes = new HashSet<>();
    for (int t = 0; t < traces.size(); t++) {
      Workload.GenTrace tr = traces.get(t);
      high[t] = slot(ids, tr.traceIdHigh());
      low[t] = slot(ids, tr.traceIdLow());
      for (Workload.GenSpan s : tr.spans()) {
        slot(ids, s.spanId());
        times.add(s.startMicros());
        requiredTimes.add(s.startMicros());
        if (encoding == Encoding.PROTO_NANOS) {
          times.add(s.startMicros() + s.durationMicros());
        }
        for (Workload.Event e : s.events()) {
          times.add(e.timeMicros());
        }
      }
    }
    int n = bodies.size();
    int[][] offsets = new int[n][];
    byte[][] kinds = new byte[n][];
    int[][] slots = new int[n][];
    Set<Long> foundIds = new HashSet<>();
    Set<Long> foundTimes = new HashSet<>();
    for (int b = 0; b < n; b++) {
      List<long[]> patches = scan(bodies.get(b), ids, times, encoding, foundIds, foundTimes, digits);
      patches.sort((x, y) -> Long.compare(x[0], y[0]));
      offsets[b] = new int[patches.size()];
      kinds[b] = new byte[patches.size()];
      slots[b] = new int[patches.size()];
      int end = -1;
      for (int i = 0; i < patches.size(); i++) {
        long[] p = patches.get(i);
        int off = (int) p[0];
        if (off < end) {
          throw new IllegalStateException("overlapping placeholders at offset " + off);
        }
        offsets[b][i] = off;
        kinds[b][i] = (byte) p[1];
        slots[b][i] = (int) p[2];
        end = off + width((byte) p[1], digits);
      }
    }
    if (!foundIds.containsAll(ids.keySet())) {
      throw new IllegalStateException("some IDs were not found in the encoded bodies (" + encoding + ")");
    }
    if (!foundTimes.containsAll(requiredTimes)) {
      throw new IllegalStateException("some span start times were not found in the encoded bodies (" + encoding + ")");
    }
    byte[][] copies = new byte[n][];
    for (int b = 0; b < n; b++) {
      copies[b] = bodies.get(b).clone();
    }
    return new Template(copies, spansPerBody.clone(), offsets, kinds, slots, ids.size(), high, low, baseMicros,
        workload.customers(), digits);
  }

  private static int slot(Map<Long, Integer> ids, long id) {
    Integer s = ids.get(id);
    if (s != null) {
      return s;
    }
    int next = ids.size();
    ids.put(id, next);
    return next;
  }

  private static int width(byte kind, int customerDigits) {
    switch (kind) {
      case KIND_CUSTOMER:
        return CUSTOMER.length + customerDigits;
      case KIND_ID_HEX:
      case KIND_TIME_MICROS_DEC:
        return 16;
      default:
        return 8;
    }
  }

  private static List<long[]> scan(byte[] body, Map<Long, Integer> ids, Set<Long> times, Encoding enc,
      Set<Long> foundIds, Set<Long> foundTimes, int digits) {
    List<long[]> out = new ArrayList<>();
    int len = body.length;
    for (int i = 0; i < len; i++) {
      int customer = customerAt(body, i, digits);
      if (customer >= 0) {
        out.add(new long[] {i, KIND_CUSTOMER, customer});
        continue;
      }
      switch (enc) {
        case PROTO_NANOS:
        case THRIFT_MICROS:
          if (i + 8 <= len) {
            long be = readBe(body, i);
            Integer s = ids.get(be);
            if (s != null) {
              out.add(new long[] {i, KIND_ID_RAW, s});
              foundIds.add(be);
              break;
            }
            if (enc == Encoding.THRIFT_MICROS) {
              if (times.contains(be)) {
                out.add(new long[] {i, KIND_TIME_MICROS_BE, 0});
                foundTimes.add(be);
              }
            } else {
              long le = Long.reverseBytes(be);
              if (le % 1000 == 0 && times.contains(le / 1000)) {
                out.add(new long[] {i, KIND_TIME_NANOS_LE, 0});
                foundTimes.add(le / 1000);
              }
            }
          }
          break;
        case JSON_HEX_MICROS:
          if (i + 16 <= len) {
            long hex = parseHex(body, i);
            if (hex != 0) {
              Integer s = ids.get(hex);
              if (s != null) {
                out.add(new long[] {i, KIND_ID_HEX, s});
                foundIds.add(hex);
                break;
              }
            }
            if ((i == 0 || !isDigit(body[i - 1])) && (i + 16 == len || !isDigit(body[i + 16]))) {
              long dec = parseDec16(body, i);
              if (dec > 0 && times.contains(dec)) {
                out.add(new long[] {i, KIND_TIME_MICROS_DEC, 0});
                foundTimes.add(dec);
              }
            }
          }
          break;
        default:
          throw new AssertionError(enc);
      }
    }
    // Matches found at i were not skipped past above; drop any later match that starts inside an earlier one.
    out.sort((x, y) -> Long.compare(x[0], y[0]));
    List<long[]> kept = new ArrayList<>(out.size());
    long end = -1;
    for (long[] p : out) {
      if (p[0] >= end) {
        kept.add(p);
        end = p[0] + width((byte) p[1], digits);
      }
    }
    return kept;
  }

  /** The customer number written at {@code i} ({@code customer-} and exactly {@code digits} digits), else -1. */
  private static int customerAt(byte[] b, int i, int digits) {
    int end = i + CUSTOMER.length + digits;
    if (end > b.length || (end < b.length && isDigit(b[end]))) {
      return -1;
    }
    for (int k = 0; k < CUSTOMER.length; k++) {
      if (b[i + k] != CUSTOMER[k]) {
        return -1;
      }
    }
    int v = 0;
    for (int k = i + CUSTOMER.length; k < end; k++) {
      if (!isDigit(b[k])) {
        return -1;
      }
      v = v * 10 + (b[k] - '0');
    }
    return v;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static long readBe(byte[] b, int i) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (b[i + k] & 0xff);
    }
    return v;
  }

  private static void writeBe(byte[] b, int i, long v) {
    for (int k = 7; k >= 0; k--) {
      b[i + k] = (byte) v;
      v >>>= 8;
    }
  }

  private static long parseHex(byte[] b, int i) {
    long v = 0;
    for (int k = 0; k < 16; k++) {
      int c = b[i + k];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else {
        return 0;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static void writeHex(byte[] b, int i, long v) {
    for (int k = 15; k >= 0; k--) {
      b[i + k] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  private static long parseDec16(byte[] b, int i) {
    long v = 0;
    for (int k = 0; k < 16; k++) {
      int c = b[i + k];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static void writeDec16(byte[] b, int i, long v) {
    if (v < 1_000_000_000_000_000L || v > 9_999_999_999_999_999L) {
      throw new IllegalStateException("time out of the 16-digit range: " + v);
    }
    for (int k = 15; k >= 0; k--) {
      b[i + k] = (byte) ('0' + (v % 10));
      v /= 10;
    }
  }

  /**
   * Fresh bodies: every ID replaced by a new random non-zero value (consistently, so parents and references still
   * match), every time shifted so that the template's base time becomes {@code nowMicros}, and every trace given a
   * random customer.
   */
  public Unit instantiate(SplittableRandom rnd, long nowMicros) {
    long[] fresh = new long[idCount];
    for (int i = 0; i < idCount; i++) {
      fresh[i] = Workload.nonZero(rnd);
    }
    int[] customer = new int[customers];
    for (int i = 0; i < customers; i++) {
      customer[i] = rnd.nextInt(customers);
    }
    long delta = nowMicros - baseMicros;
    byte[][] out = new byte[bodies.length][];
    for (int b = 0; b < bodies.length; b++) {
      byte[] body = Arrays.copyOf(bodies[b], bodies[b].length);
      int[] off = offsets[b];
      byte[] kind = kinds[b];
      int[] slot = slots[b];
      for (int i = 0; i < off.length; i++) {
        int o = off[i];
        switch (kind[i]) {
          case KIND_ID_RAW:
            writeBe(body, o, fresh[slot[i]]);
            break;
          case KIND_ID_HEX:
            writeHex(body, o, fresh[slot[i]]);
            break;
          case KIND_TIME_NANOS_LE:
            writeBe(body, o, Long.reverseBytes(Long.reverseBytes(readBe(body, o)) + delta * 1000));
            break;
          case KIND_TIME_MICROS_BE:
            writeBe(body, o, readBe(body, o) + delta);
            break;
          case KIND_TIME_MICROS_DEC:
            writeDec16(body, o, parseDec16(body, o) + delta);
            break;
          case KIND_CUSTOMER: {
            int v = customer[slot[i]];
            for (int k = o + CUSTOMER.length + customerDigits - 1; k >= o + CUSTOMER.length; k--) {
              body[k] = (byte) ('0' + v % 10);
              v /= 10;
            }
            break;
          }
          default:
            throw new AssertionError(kind[i]);
        }
      }
      out[b] = body;
    }
    long[] hi = new long[traceHighSlot.length];
    long[] lo = new long[traceLowSlot.length];
    for (int t = 0; t < hi.length; t++) {
      hi[t] = fresh[traceHighSlot[t]];
      lo[t] = fresh[traceLowSlot[t]];
    }
    return new Unit(out, spansPerBody, hi, lo);
  }
}
