// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The spans of one tenant in {@code SPAN_STORAGE_TYPE=memory}; {@link MemoryTenants} keeps one per tenant, so that
 * nothing here is shared between tenants (not even the intern tables of the codec), and the tenant components of
 * the queries passed in are not looked at.
 *
 * <p>Spans are kept encoded by {@link CompactSpanCodec}, grouped per trace in arrival order. The encoded bytes are
 * appended to large shared slabs rather than kept as one array per span: a store that retains nearly every span it
 * receives would otherwise hand each young collection millions of small live arrays to copy. A slab grows to
 * {@link #SLAB_MAX} bytes, which G1 allocates outside the young generation (a humongous object for regions of up to
 * 4 MiB, that is heaps from 1 GiB to below 16 GiB; smaller heaps get smaller slabs); a trace refers to its slabs and offsets, and a slab is garbage once every trace
 * with a span in it is evicted. A span too large for a slab's tail gets an array of its own. Two indexes narrow
 * searches: service → traces that have a span of that service, and (service, operation) → traces, both in trace arrival
 * order. A search reads only the candidates of one index list, prunes them by the trace's span start-time range and
 * by the trace's {@link TagFilter}, and only then checks the encoded spans; only the traces it returns are
 * decoded.
 *
 * <p>With {@code maxTraces > 0} the store holds at most that many traces and evicts the one whose ID arrived first
 * (appending spans to a trace does not refresh it). Services and operations are never evicted.
 *
 * <p>Thread-safe: spans are encoded before the write lock is taken; reads hold the read lock only while they
 * collect candidates and decode after releasing it (encoded spans are immutable).
 */
final class MemorySpanStore implements Purgeable, HeapGuard.Evictable {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final int STRING_TABLE_CAPACITY = 1 << 20;
  private static final int PROCESS_TABLE_CAPACITY = 1 << 16;
  private static final String[] KINDS = CompactSpanCodec.KINDS;
  /** Spans larger than this get an array of their own instead of a slab's tail. */
  private static final int SLAB_SPAN_MAX = 64 << 10;
  /** Largest slab in this JVM, see {@link #slabMax(long)}. */
  static final int SLAB_MAX = slabMax(Runtime.getRuntime().maxMemory());
  /** First slab of a store; each next one doubles up to {@link #SLAB_MAX}, so small stores stay small. */
  private static final int SLAB_MIN = 4096;

  private final int maxTraces;
  private final CompactSpanCodec codec = new CompactSpanCodec(STRING_TABLE_CAPACITY, PROCESS_TABLE_CAPACITY);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Per writer thread, so that encoding needs no lock and allocates only the stored bytes. */
  private final ThreadLocal<WriteScratch> scratch = ThreadLocal.withInitial(WriteScratch::new);

  // Guarded by lock.
  private final HashMap<TraceId, TraceEntry> traces = new HashMap<>();
  private final HashMap<String, ServiceIndex> byService = new HashMap<>();
  private final TraceEntry[] ring;
  private int ringIndex;
  private long spanCount;
  /** The slab spans are appended to, its first free byte, and the size of the next slab. */
  private byte[] slab;
  private int slabPos;
  private int nextSlabSize = SLAB_MIN;
  /** Without a ring (unbounded store): traces in arrival order, for the {@link HeapGuard}. */
  private final ArrayDeque<TraceEntry> arrivals;
  /** Encoded bytes of the stored spans; written under the lock. */
  private volatile long storedBytes;

  /** Spans checked against search conditions since creation; shows that searches use the indexes. */
  private final LongAdder spansExamined = new LongAdder();

  /** service → operations; never evicted, so kept outside the lock. */
  private final ConcurrentHashMap<String, Set<Operation>> operations = new ConcurrentHashMap<>();

  /**
   * The largest slab for a heap of {@code maxHeap} bytes: 4 MiB less the array header, so that it fills whole G1
   * regions, but at most 1/256 of the heap (and at least {@link #SLAB_SPAN_MAX}). A humongous slab needs several free
   * regions side by side; in a small heap (96 MiB has 96 regions of 1 MiB) that risks an {@link OutOfMemoryError}
   * while free memory is scattered, so small heaps get slabs below half a region, which G1 allocates as ordinary
   * objects.
   */
  static int slabMax(long maxHeap) {
    return (int) Math.max(SLAB_SPAN_MAX, Math.min((4L << 20) - 16, maxHeap / 256));
  }

  MemorySpanStore(int maxTraces) {
    this.maxTraces = Math.max(0, maxTraces);
    this.ring = this.maxTraces > 0 ? new TraceEntry[this.maxTraces] : null;
    this.arrivals = ring == null ? new ArrayDeque<>() : null;
  }

  // ------------------------------------------------------------------------------------------------- writing

  CompletionStage<Void> write(List<Span> spans) {
    Objects.requireNonNull(spans, "spans");
    int n = spans.size();
    WriteScratch w = scratch.get();
    w.prepare(n);
    CompactSpanCodec.Encoder enc = w.encoder;
    for (int i = 0; i < n; i++) {
      Span s = Objects.requireNonNull(spans.get(i), "span");
      codec.encodeInto(s, enc);
      w.append(i, enc);
      w.dedupe[i] = enc.dedupeHash();
      w.kinds[i] = enc.kind();
      w.addHashes(i, enc.hashes(), enc.hashCount());
    }
    lock.writeLock().lock();
    try {
      for (int i = 0; i < n; i++) {
        int from = i == 0 ? 0 : w.ends[i - 1];
        insert(spans.get(i), w.batch, from, w.ends[i] - from, w.dedupe[i], w.kinds[i], w.hashes,
            i == 0 ? 0 : w.hashEnds[i - 1], w.hashEnds[i]);
      }
    } finally {
      lock.writeLock().unlock();
      w.trim();
    }
    return DONE;
  }

  /** The span's kind as Jaeger reports it for operations: a known {@code span.kind} value, else "". */
  static String spanKind(Span s) {
    return KINDS[CompactSpanCodec.kindIndex(s.spanKind())];
  }

  private void insert(Span s, byte[] src, int srcOffset, int length, int dedupeHash, int kind, short[] hashes,
      int from, int to) {
    String service = s.process().serviceName();
    String operation = s.operationName();
    ServiceIndex svc = byService.get(service);
    if (svc == null) {
      svc = new ServiceIndex();
      byService.put(service, svc);
    }
    OperationIndex op = svc.operations.get(operation);
    if (op == null) {
      op = new OperationIndex();
      svc.operations.put(operation, op);
    }
    if ((op.kinds & (1 << kind)) == 0) {
      op.kinds |= 1 << kind;
      operations.computeIfAbsent(service, k -> ConcurrentHashMap.newKeySet()).add(new Operation(operation, KINDS[kind]));
    }
    TraceEntry e = traces.get(s.traceId());
    if (e == null) {
      e = new TraceEntry(s.traceId());
      traces.put(e.id, e);
      if (ring != null) {
        ringIndex = (ringIndex + 1) % maxTraces;
        TraceEntry old = ring[ringIndex];
        if (old != null) {
          evict(old);
        }
        ring[ringIndex] = e;
      } else {
        arrivals.addLast(e);
      }
    }
    if (e.contains(src, srcOffset, length, dedupeHash)) {
      return;
    }
    byte[] target;
    int offset;
    if (length > SLAB_SPAN_MAX) {
      target = new byte[length];
      offset = 0;
    } else {
      if (slab == null || slab.length - slabPos < length) {
        // a span may be larger than the next slab size (at most SLAB_SPAN_MAX <= SLAB_MAX)
        slab = new byte[Math.max(nextSlabSize, length)];
        slabPos = 0;
        nextSlabSize = Math.min(SLAB_MAX, slab.length * 2);
      }
      target = slab;
      offset = slabPos;
      slabPos += length;
    }
    System.arraycopy(src, srcOffset, target, offset, length);
    e.append(target, offset, length, s.startTimeMicros(), dedupeHash);
    e.bytes += length;
    storedBytes += length;
    e.tags = TagFilter.addAll(e.tags, hashes, from, to);
    spanCount++;
    e.index(svc.traces);
    if (!operation.isEmpty()) {
      e.index(op.traces);
    }
  }

  private void evict(TraceEntry e) {
    traces.remove(e.id);
    e.evicted = true;
    spanCount -= e.count;
    storedBytes -= e.bytes;
    e.bytes = 0;
    for (int i = 0; i < e.postingCount; i++) {
      e.postings[i].onEvicted();
    }
    // Index lists may still point at the entry until they are compacted; free its spans now.
    e.spans = null;
    e.offsets = null;
    e.lengths = null;
    e.hashes = null;
    e.lookup = null;
    e.tags = null;
    e.count = 0;
    e.postings = null;
    e.postingCount = 0;
  }

  @Override
  public void purge() {
    lock.writeLock().lock();
    try {
      traces.clear();
      byService.clear();
      if (ring != null) {
        Arrays.fill(ring, null);
      }
      ringIndex = 0;
      spanCount = 0;
      storedBytes = 0;
      slab = null;
      slabPos = 0;
      nextSlabSize = SLAB_MIN;
      if (arrivals != null) {
        arrivals.clear();
      }
      operations.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public long storedBytes() {
    return storedBytes;
  }

  /** Evicts the oldest traces (by arrival of their first span) until {@code bytes} encoded bytes are freed. */
  @Override
  public int evictOldest(long bytes) {
    lock.writeLock().lock();
    try {
      long target = storedBytes - bytes;
      int evicted = 0;
      if (arrivals != null) {
        TraceEntry e;
        while (storedBytes > target && (e = arrivals.pollFirst()) != null) {
          if (!e.evicted) {
            evict(e);
            evicted++;
          }
        }
      } else {
        for (int k = 1; k <= maxTraces && storedBytes > target; k++) {
          int idx = (ringIndex + k) % maxTraces;
          TraceEntry e = ring[idx];
          if (e != null) {
            ring[idx] = null;
            if (!e.evicted) {
              evict(e);
              evicted++;
            }
          }
        }
      }
      return evicted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------------------------- reading

  Optional<Trace> getTrace(GetTraceQuery query) {
    Objects.requireNonNull(query, "query");
    Snapshot snap;
    lock.readLock().lock();
    try {
      TraceEntry e = traces.get(query.traceId());
      if (e == null) {
        return Optional.empty();
      }
      snap = e.snapshot();
    } finally {
      lock.readLock().unlock();
    }
    return Optional.of(decode(snap));
  }

  List<String> getServices() {
    List<String> out = new ArrayList<>(operations.keySet());
    out.sort(null);
    return out;
  }

  List<Operation> getOperations(OperationQuery query) {
    Objects.requireNonNull(query, "query");
    Set<Operation> ops = operations.get(query.serviceName());
    if (ops == null) {
      return List.of();
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      if (query.spanKind().isEmpty() || query.spanKind().equals(op.spanKind())) {
        out.add(op);
      }
    }
    out.sort(Comparator.comparing(Operation::name).thenComparing(Operation::spanKind));
    return out;
  }

  /** See {@link SpanReader#findTraces}; a {@code numTraces} of 0 or less returns every match, as in Jaeger. */
  List<Trace> findTraces(TraceQuery query) {
    List<Snapshot> found = search(query);
    List<Trace> out = new ArrayList<>(found.size());
    for (Snapshot s : found) {
      out.add(decode(s));
    }
    return out;
  }

  List<TraceId> findTraceIds(TraceQuery query) {
    List<Snapshot> found = search(query);
    List<TraceId> out = new ArrayList<>(found.size());
    for (Snapshot s : found) {
      out.add(s.id);
    }
    return out;
  }

  /** Matching traces, most recent (by earliest span start) first, cut to {@code numTraces}. */
  private List<Snapshot> search(TraceQuery q) {
    Objects.requireNonNull(q, "query");
    q.validate();
    String[] keys = new String[q.tags().size()];
    String[] values = new String[keys.length];
    int t = 0;
    for (Map.Entry<String, String> e : q.tags().entrySet()) {
      keys[t] = e.getKey();
      values[t] = e.getValue();
      t++;
    }
    CompactSpanCodec.Condition c = new CompactSpanCodec.Condition(codec, q.serviceName(), q.operationName(),
        q.startTimeMinMicros(), q.startTimeMaxMicros(), q.durationMinMicros(), q.durationMaxMicros(), keys, values);
    short[] wanted = new short[keys.length];
    for (int i = 0; i < keys.length; i++) {
      wanted[i] = TagFilter.hash(keys[i], values[i]);
    }

    List<Snapshot> candidates;
    lock.readLock().lock();
    try {
      ServiceIndex svc = byService.get(q.serviceName());
      PostingList list = null;
      if (svc != null && q.operationName().isEmpty()) {
        list = svc.traces;
      } else if (svc != null) {
        OperationIndex op = svc.operations.get(q.operationName());
        list = op == null ? null : op.traces;
      }
      if (list == null) {
        return List.of();
      }
      if (q.numTraces() > 0) {
        return newestMatches(list, c, wanted, q.numTraces());
      }
      candidates = new ArrayList<>();
      for (int i = list.size - 1; i >= 0; i--) {
        TraceEntry e = list.items[i];
        if (!e.evicted && e.maxStart >= c.startMin && e.minStart <= c.startMax
            && TagFilter.containsAll(e.tags, wanted)) {
          candidates.add(e.snapshot());
        }
      }
    } finally {
      lock.readLock().unlock();
    }

    // Unlimited search: match after releasing the lock (encoded spans are immutable).
    List<Snapshot> matched = new ArrayList<>();
    long checked = 0;
    for (Snapshot s : candidates) {
      for (int i = 0; i < s.count; i++) {
        checked++;
        if (codec.matches(s.spans[i], s.offsets[i], c)) {
          matched.add(s);
          break;
        }
      }
    }
    spansExamined.add(checked);
    matched.sort(Comparator.comparingLong((Snapshot s) -> s.minStart).reversed());
    return matched;
  }

  /**
   * The {@code limit} matches with the latest earliest-span start, in the order of the unlimited search (latest
   * start first; equal starts: later position in the list first). The list is walked from its newest entry and the
   * walk stops once no older entry can start later than the worst match kept ({@link PostingList#bound}), so a
   * search on a full store reads about as many traces as it returns. Spans are matched under the caller's read
   * lock; only the kept traces are copied out.
   */
  private List<Snapshot> newestMatches(PostingList list, CompactSpanCodec.Condition c, short[] wanted, int limit) {
    // Min-heap of the matches kept, the worst at the root. Every newcomer is older (smaller position) than every
    // entry kept, so it loses ties.
    int cap = Math.min(limit, list.size);
    TraceEntry[] heap = new TraceEntry[cap];
    long[] start = new long[cap];
    int[] pos = new int[cap];
    int size = 0;
    long checked = 0;
    for (int i = list.size - 1; i >= 0; i--) {
      if (size == limit && list.bound(i) <= start[0]) {
        break;
      }
      TraceEntry e = list.items[i];
      if (e.evicted || e.maxStart < c.startMin || e.minStart > c.startMax
          || (size == limit && e.minStart <= start[0]) || !TagFilter.containsAll(e.tags, wanted)) {
        continue;
      }
      boolean hit = false;
      for (int k = 0; k < e.count && !hit; k++) {
        checked++;
        hit = codec.matches(e.spans[k], e.offsets[k], c);
      }
      if (!hit) {
        continue;
      }
      int j;
      if (size < limit) {
        j = size++;
        while (j > 0 && e.minStart <= start[(j - 1) >>> 1]) {
          int parent = (j - 1) >>> 1;
          heap[j] = heap[parent];
          start[j] = start[parent];
          pos[j] = pos[parent];
          j = parent;
        }
      } else {
        j = 0;
        while (true) {
          int l = 2 * j + 1;
          if (l >= size) {
            break;
          }
          int m = l + 1 < size && worse(start[l + 1], pos[l + 1], start[l], pos[l]) ? l + 1 : l;
          if (!worse(start[m], pos[m], e.minStart, i)) {
            break;
          }
          heap[j] = heap[m];
          start[j] = start[m];
          pos[j] = pos[m];
          j = m;
        }
      }
      heap[j] = e;
      start[j] = e.minStart;
      pos[j] = i;
    }
    spansExamined.add(checked);
    Integer[] order = new Integer[size];
    for (int k = 0; k < size; k++) {
      order[k] = k;
    }
    long[] st = start;
    int[] ps = pos;
    Arrays.sort(order, (x, y) -> worse(st[x], ps[x], st[y], ps[y]) ? 1 : (worse(st[y], ps[y], st[x], ps[x]) ? -1 : 0));
    List<Snapshot> out = new ArrayList<>(size);
    for (Integer k : order) {
      out.add(heap[k].snapshot());
    }
    return out;
  }

  /** In the ranking of {@link #newestMatches}: (aStart, aPos) ranks after (bStart, bPos). */
  private static boolean worse(long aStart, int aPos, long bStart, int bPos) {
    return aStart < bStart || (aStart == bStart && aPos < bPos);
  }

  private Trace decode(Snapshot s) {
    List<Span> spans = new ArrayList<>(s.count);
    for (int i = 0; i < s.count; i++) {
      spans.add(codec.decode(s.id, s.spans[i], s.offsets[i]));
    }
    return Trace.of(spans);
  }

  // ------------------------------------------------------------------------------------------------- dependencies

  /**
   * See {@link DependencyReader#getDependencies}. Computed from the stored traces that have a span starting within the window: for every span whose
   * parent (first same-trace CHILD_OF reference, else first FOLLOWS_FROM) is stored and belongs to another service,
   * the (parent service, child service) pair counts one call. One link per pair, sorted by parent then child.
   */
  List<DependencyLink> getDependencies(long endTsMicros, long lookbackMicros) {
    long from = endTsMicros - lookbackMicros;
    List<Snapshot> window = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (TraceEntry e : traces.values()) {
        if (e.maxStart >= from && e.minStart <= endTsMicros) {
          window.add(e.snapshot());
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    TreeMap<String, TreeMap<String, long[]>> counts = new TreeMap<>();
    HashMap<Long, String> serviceOf = new HashMap<>();
    List<CompactSpanCodec.Link> links = new ArrayList<>();
    for (Snapshot s : window) {
      boolean inWindow = false;
      serviceOf.clear();
      links.clear();
      for (int i = 0; i < s.count; i++) {
        CompactSpanCodec.Link l = codec.readLink(s.spans[i], s.offsets[i]);
        inWindow |= l.start() >= from && l.start() <= endTsMicros;
        serviceOf.putIfAbsent(l.spanId(), l.service());
        links.add(l);
      }
      if (!inWindow) {
        continue;
      }
      for (CompactSpanCodec.Link l : links) {
        if (l.parentSpanId() == 0) {
          continue;
        }
        String parent = serviceOf.get(l.parentSpanId());
        if (parent != null && !parent.equals(l.service())) {
          counts.computeIfAbsent(parent, k -> new TreeMap<>())
              .computeIfAbsent(l.service(), k -> new long[1])[0]++;
        }
      }
    }
    List<DependencyLink> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<String, long[]>> p : counts.entrySet()) {
      for (Map.Entry<String, long[]> c : p.getValue().entrySet()) {
        out.add(new DependencyLink(p.getKey(), c.getKey(), c.getValue()[0]));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------- stats

  long spansExamined() {
    return spansExamined.sum();
  }

  /** Number of stored traces. */
  int traceCount() {
    lock.readLock().lock();
    try {
      return traces.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of stored spans. */
  long spanCount() {
    lock.readLock().lock();
    try {
      return spanCount;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Total size of the encoded spans in bytes, for sizing estimates. */
  long encodedBytes() {
    lock.readLock().lock();
    try {
      long total = 0;
      for (TraceEntry e : traces.values()) {
        for (int i = 0; i < e.count; i++) {
          total += e.lengths[i];
        }
      }
      return total;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Entries currently held by all index lists, live or not yet compacted; for tests. */
  int indexEntries() {
    lock.readLock().lock();
    try {
      int total = 0;
      for (ServiceIndex svc : byService.values()) {
        total += svc.traces.size;
        for (OperationIndex op : svc.operations.values()) {
          total += op.traces.size;
        }
      }
      return total;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ------------------------------------------------------------------------------------------------- structures

  /** An immutable view of a trace's spans taken under the lock; the arrays' first {@code count} slots never change. */
  private record Snapshot(TraceId id, byte[][] spans, int[] offsets, int count, long minStart) {}

  /** One stored trace. Guarded by the store's lock. */
  private static final class TraceEntry {
    private static final int LOOKUP_THRESHOLD = 256;

    final TraceId id;
    /** Span i is encoded at offsets[i] of spans[i] (a slab, or an array of its own), lengths[i] bytes long. */
    byte[][] spans = new byte[2][];
    int[] offsets = new int[2];
    int[] lengths = new int[2];
    int[] hashes = new int[2];
    /** Span index + 1 by hash, open addressing; only for traces of at least LOOKUP_THRESHOLD spans. */
    int[] lookup;
    int count;
    /** Hashes of every (key, value) pair of the trace's spans; see {@link TagFilter}. */
    TagFilter tags;
    long minStart = Long.MAX_VALUE;
    long maxStart = Long.MIN_VALUE;
    PostingList[] postings = new PostingList[2];
    int postingCount;
    boolean evicted;
    /** Encoded bytes of the stored spans. */
    long bytes;

    TraceEntry(TraceId id) {
      this.id = id;
    }

    /** True when a span with exactly these encoded bytes is stored. */
    boolean contains(byte[] src, int offset, int length, int h) {
      if (lookup != null) {
        int mask = lookup.length - 1;
        for (int i = mix(h) & mask; lookup[i] != 0; i = (i + 1) & mask) {
          int idx = lookup[i] - 1;
          if (hashes[idx] == h && same(idx, src, offset, length)) {
            return true;
          }
        }
      } else {
        for (int i = 0; i < count; i++) {
          if (hashes[i] == h && same(i, src, offset, length)) {
            return true;
          }
        }
      }
      return false;
    }

    private boolean same(int idx, byte[] src, int offset, int length) {
      return lengths[idx] == length
          && Arrays.equals(spans[idx], offsets[idx], offsets[idx] + length, src, offset, offset + length);
    }

    /** Appends a span encoded at {@code offset} of {@code buf}; the caller checked {@link #contains} first. */
    void append(byte[] buf, int offset, int length, long start, int h) {
      if (count == spans.length) {
        int cap = count + (count >> 1) + 1;
        spans = Arrays.copyOf(spans, cap);
        offsets = Arrays.copyOf(offsets, cap);
        lengths = Arrays.copyOf(lengths, cap);
        hashes = Arrays.copyOf(hashes, cap);
      }
      spans[count] = buf;
      offsets[count] = offset;
      lengths[count] = length;
      hashes[count] = h;
      count++;
      minStart = Math.min(minStart, start);
      maxStart = Math.max(maxStart, start);
      if (lookup != null && count * 2 <= lookup.length) {
        put(lookup, count - 1);
      } else if (count >= LOOKUP_THRESHOLD) {
        rebuildLookup();
      }
    }

    /** Large traces get a hash table over their span hashes so that deduplication stays O(1) per span. */
    private void rebuildLookup() {
      int size = Integer.highestOneBit(count) << 2;
      lookup = new int[size];
      for (int i = 0; i < count; i++) {
        put(lookup, i);
      }
    }

    private void put(int[] table, int idx) {
      int mask = table.length - 1;
      int i = mix(hashes[idx]) & mask;
      while (table[i] != 0) {
        i = (i + 1) & mask;
      }
      table[i] = idx + 1;
    }

    private static int mix(int h) {
      h *= 0x9E3779B1;
      return h ^ (h >>> 16);
    }

    /** Adds this trace to an index list once. */
    void index(PostingList list) {
      for (int i = 0; i < postingCount; i++) {
        if (postings[i] == list) {
          return;
        }
      }
      if (postingCount == postings.length) {
        postings = Arrays.copyOf(postings, postingCount * 3);
      }
      postings[postingCount++] = list;
      list.add(this);
    }

    Snapshot snapshot() {
      return new Snapshot(id, spans, offsets, count, minStart);
    }
  }

  /** The index lists of one service: all its traces, and its traces per operation. Guarded by the store's lock. */
  private static final class ServiceIndex {
    final PostingList traces = new PostingList();
    final HashMap<String, OperationIndex> operations = new HashMap<>();
  }

  /**
   * The traces of one (service, operation), and the span kinds seen with it as bits of {@link #KINDS} indexes, so
   * that each (operation, kind) pair is published to the operations set once. Guarded by the store's lock.
   */
  private static final class OperationIndex {
    final PostingList traces = new PostingList();
    int kinds;
  }

  /** What {@link #write} keeps between encoding a batch and inserting it, reused by each writer thread. */
  private static final class WriteScratch {
    final CompactSpanCodec.Encoder encoder = new CompactSpanCodec.Encoder();
    /** The batch's encoded spans back to back; span i ends at ends[i]. */
    byte[] batch = new byte[16 << 10];
    int[] ends = new int[256];
    int[] dedupe = new int[256];
    int[] kinds = new int[256];
    int[] hashEnds = new int[256];
    short[] hashes = new short[4096];

    void prepare(int n) {
      if (n > ends.length) {
        ends = new int[n];
        dedupe = new int[n];
        kinds = new int[n];
        hashEnds = new int[n];
      }
    }

    void addHashes(int i, short[] hs, int count) {
      int from = i == 0 ? 0 : hashEnds[i - 1];
      if (from + count > hashes.length) {
        hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, from + count));
      }
      System.arraycopy(hs, 0, hashes, from, count);
      hashEnds[i] = from + count;
    }

    /** A batch of unusually large spans does not leave a large buffer behind on its thread. */
    void trim() {
      if (batch.length > (1 << 20)) {
        batch = new byte[16 << 10];
      }
    }

    void append(int i, CompactSpanCodec.Encoder enc) {
      int from = i == 0 ? 0 : ends[i - 1];
      int len = enc.length();
      if (from + len > batch.length) {
        batch = Arrays.copyOf(batch, Math.max(batch.length * 2, from + len));
      }
      enc.copyTo(batch, from);
      ends[i] = from + len;
    }
  }

  /**
   * Traces in arrival order. Evicted traces stay until they make up half of the list, then the list is compacted,
   * which keeps the cost of eviction amortized O(1) per index entry. Guarded by the store's lock.
   */
  private static final class PostingList {
    private static final int BLOCK_SHIFT = 6;

    TraceEntry[] items = new TraceEntry[4];
    int size;
    int evicted;
    /**
     * Per block of 64 entries: the largest earliest-span start of that block and every block before it, as it was
     * when the entries were added. A trace's earliest start only moves back in time later, so {@code bound(i)} is an
     * upper bound of the earliest start of every entry at or before position {@code i}.
     */
    long[] blockBound = new long[1];

    void add(TraceEntry e) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      int b = size >>> BLOCK_SHIFT;
      if (b == blockBound.length) {
        blockBound = Arrays.copyOf(blockBound, b * 2);
      }
      long before = (size & ((1 << BLOCK_SHIFT) - 1)) != 0 ? blockBound[b]
          : (b > 0 ? blockBound[b - 1] : Long.MIN_VALUE);
      blockBound[b] = Math.max(before, e.minStart);
      items[size++] = e;
    }

    long bound(int i) {
      return blockBound[i >>> BLOCK_SHIFT];
    }

    private void rebuildBounds() {
      blockBound = new long[size == 0 ? 1 : ((size - 1) >>> BLOCK_SHIFT) + 1];
      long max = Long.MIN_VALUE;
      for (int i = 0; i < size; i++) {
        max = Math.max(max, items[i].minStart);
        blockBound[i >>> BLOCK_SHIFT] = max;
      }
    }

    void onEvicted() {
      evicted++;
      if (evicted * 2 > size) {
        int w = 0;
        for (int r = 0; r < size; r++) {
          if (!items[r].evicted) {
            items[w++] = items[r];
          }
        }
        Arrays.fill(items, w, size, null);
        size = w;
        evicted = 0;
        if (items.length > 16 && size < items.length / 4) {
          items = Arrays.copyOf(items, Math.max(4, size * 2));
        }
        rebuildBounds();
      }
    }
  }
}
