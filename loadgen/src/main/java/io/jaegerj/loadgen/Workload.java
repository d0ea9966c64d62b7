// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shape of the generated traffic and a deterministic generator of traces in a wire-neutral form. IDs and times
 * in the generated traces are placeholders: the {@link Template} of each protocol finds them in the encoded bytes and
 * replaces them with fresh random IDs and the current time on every request.
 *
 * @param services number of services (lower-case names, so Zipkin and Jaeger agree on them)
 * @param operationsPerService distinct operation names per service
 * @param spansPerTrace spans in every trace
 * @param attributes attributes (tags) per span, at least the fixed ones the queries use
 * @param events events (logs, annotations) per span
 * @param tracesPerRequest traces in one request unit
 * @param customers cardinality of the {@code customer} tag, which the search queries filter on
 */
public record Workload(int services, int operationsPerService, int spansPerTrace, int attributes, int events,
    int tracesPerRequest, int customers) {

  /** The tag the search queries use. */
  public static final String SEARCH_TAG = "customer";

  public Workload {
    check("services", services, 1);
    check("operationsPerService", operationsPerService, 1);
    check("spansPerTrace", spansPerTrace, 1);
    check("attributes", attributes, 0);
    check("events", events, 0);
    check("tracesPerRequest", tracesPerRequest, 1);
    check("customers", customers, 1);
  }

  /** 10 services x 20 operations, 10 spans of 10 attributes and 1 event, 20 traces per request. */
  public static Workload defaults() {
    return new Workload(10, 20, 10, 10, 1, 20, 100);
  }

  private static void check(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: >= " + min + ")");
    }
  }

  public int spansPerRequest() {
    return spansPerTrace * tracesPerRequest;
  }

  public static String serviceName(int i) {
    return "svc-" + i;
  }

  public static String operationName(int service, int op) {
    return "op-" + service + "-" + op;
  }

  /** Digits of a customer number: customers are zero-padded so that their encoded width is fixed. */
  public int customerDigits() {
    return Integer.toString(customers - 1).length();
  }

  /** The value of the searched tag for customer {@code i}. */
  public String customer(int i) {
    String n = Integer.toString(i);
    return CUSTOMER_PREFIX + "0".repeat(customerDigits() - n.length()) + n;
  }

  static final String CUSTOMER_PREFIX = "customer-";

  /** Span kinds as in OTLP, mapped by each encoder. */
  public enum Kind {
    SERVER, CLIENT, INTERNAL, PRODUCER, CONSUMER
  }

  /** An attribute value: String, Long, Boolean or Double. */
  public record Attr(String key, Object value) {}

  public record Event(String name, long timeMicros, List<Attr> attrs) {}

  /** One span; {@code parentId == 0} for the root. Times in microseconds since the epoch. */
  public record GenSpan(int service, String operation, long spanId, long parentId, Kind kind, long startMicros,
      long durationMicros, boolean error, List<Attr> attrs, List<Event> events) {}

  public record GenTrace(long traceIdHigh, long traceIdLow, List<GenSpan> spans) {}

  /**
   * Generates one request unit of {@link #tracesPerRequest} traces starting around {@code baseMicros}. Every ID is a
   * distinct non-zero random value, so that it can be found again in the encoded bytes. Trace {@code t} has customer
   * {@code t % customers}; templates draw a random customer per trace for every request.
   */
  public List<GenTrace> generate(SplittableRandom rnd, long baseMicros) {
    List<GenTrace> traces = new ArrayList<>(tracesPerRequest);
    for (int t = 0; t < tracesPerRequest; t++) {
      traces.add(trace(rnd, baseMicros + t * 997L, customer(t % customers)));
    }
    return traces;
  }

  private GenTrace trace(SplittableRandom rnd, long start, String customer) {
    List<GenSpan> spans = new ArrayList<>(spansPerTrace);
    long[] ids = new long[spansPerTrace];
    long[] starts = new long[spansPerTrace];
    long[] durations = new long[spansPerTrace];
    int[] svc = new int[spansPerTrace];
    for (int i = 0; i < spansPerTrace; i++) {
      ids[i] = nonZero(rnd);
      int parent = i == 0 ? -1 : rnd.nextInt(i);
      if (parent < 0) {
        svc[i] = rnd.nextInt(services);
        starts[i] = start;
        durations[i] = 20_000 + rnd.nextInt(80_000);
      } else {
        svc[i] = rnd.nextInt(services);
        long room = Math.max(2, durations[parent] / 2);
        starts[i] = starts[parent] + 1 + rnd.nextLong(room);
        durations[i] = 1 + rnd.nextLong(Math.max(1, starts[parent] + durations[parent] - starts[i]));
      }
      Kind kind = i == 0 ? Kind.SERVER : (i % 3 == 1 ? Kind.CLIENT : (i % 3 == 2 ? Kind.SERVER : Kind.INTERNAL));
      boolean error = rnd.nextInt(20) == 0;
      spans.add(new GenSpan(svc[i], operationName(svc[i], rnd.nextInt(operationsPerService)), ids[i],
          parent < 0 ? 0 : ids[parent], kind, starts[i], durations[i], error, attrs(rnd, customer, error),
          events(rnd, starts[i], durations[i])));
    }
    return new GenTrace(nonZero(rnd), nonZero(rnd), spans);
  }

  private List<Attr> attrs(SplittableRandom rnd, String customer, boolean error) {
    List<Attr> a = new ArrayList<>(Math.max(attributes, 1));
    if (attributes >= 1) {
      a.add(new Attr(SEARCH_TAG, customer));
    }
    String[] methods = {"GET", "POST", "PUT", "DELETE"};
    for (int k = 1; k < attributes; k++) {
      switch (k) {
        case 1:
          a.add(new Attr("http.method", methods[rnd.nextInt(methods.length)]));
          break;
        case 2:
          a.add(new Attr("http.status_code", (long) (error ? 500 : 200)));
          break;
        case 3:
          a.add(new Attr("http.url", "https://shop.example.com/api/v1/items/" + rnd.nextInt(100_000)));
          break;
        case 4:
          a.add(new Attr("cache.hit", rnd.nextBoolean()));
          break;
        case 5:
          a.add(new Attr("db.rows", (long) rnd.nextInt(1000)));
          break;
        case 6:
          a.add(new Attr("load.ratio", rnd.nextInt(1000) / 1000.0));
          break;
        case 7:
          a.add(new Attr("net.peer.name", "host-" + rnd.nextInt(50) + ".internal"));
          break;
        default:
          a.add(new Attr("attr." + k, "value-" + rnd.nextInt(1000)));
          break;
      }
    }
    return a;
  }

  private List<Event> events(SplittableRandom rnd, long start, long duration) {
    List<Event> e = new ArrayList<>(events);
    for (int k = 0; k < events; k++) {
      e.add(new Event("event-" + k, start + rnd.nextLong(Math.max(1, duration)),
          List.of(new Attr("message", "step " + k + " done in " + rnd.nextInt(500) + " ms"))));
    }
    return e;
  }

  static long nonZero(SplittableRandom rnd) {
    long v;
    do {
      v = rnd.nextLong();
    } while (v == 0);
    return v;
  }
}
