#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One method for the headline figures in docs/benchmarks.md.

Every point starts a fresh all-in-one (memory storage) with the stated heap and retention, drives it with the
load generator (loadgen/target/loadgen.jar) on the same machine, and is repeated REPEATS times; the table shows
the median of each figure and, in brackets, the lowest and highest of the repeats. The CPU of our process, of the
load generator and of everything else on the machine ("other load") is read from /proc for each run, so a figure
taken on a busy machine says so.

Points:
  ingest-<protocol>   full-speed ingest for --duration seconds after --warmup seconds (otlp-http, otlp-grpc,
                      jaeger-thrift, zipkin-json): accepted spans/s, the slowest 1-second window, request latency
                      p50/p99, CPU of our process per accepted span;
  query-full          the store is filled with --stored-spans spans over OTLP/HTTP at full speed, then trace by ID
                      (--trace-queries samples) and search (--search-queries samples) on the full store, heap per
                      stored span after a full GC;
  query-under-load    the same full store, queried while a second generator offers --background-rate spans/s;
  jmh                 the JMH benchmarks of --jmh (benchmarks/target/benchmarks.jar) with >= 2 forks, >= 5 measured
                      iterations and -prof gc: score ± error and bytes allocated per operation.

--gc-log matches slow samples with the server's GC and safepoint pauses, --jfr keeps a profile of every server and
the top three hot paths of each point (both written under --out, the hot paths also into the table).

Usage:
  ./mvnw -B -q -pl all-in-one,loadgen,benchmarks -am package -DskipTests
  scripts/bench.py --jfr --gc-log       # every point, 3 repeats, writes docs/benchmarks.md
  scripts/bench.py ingest-otlp-grpc --repeats 1 --no-docs
  scripts/bench.py --quick              # every point once, short: checks the method end to end (~2 min idle)
"""
import argparse
import datetime
import glob
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "benchmarks.md")
BEGIN = "<!-- scripts/bench.py: begin (generated, do not edit by hand) -->"
END = "<!-- scripts/bench.py: end -->"
PROTOCOLS = ["otlp-http", "otlp-grpc", "jaeger-thrift", "zipkin-json"]
ALL_POINTS = ["ingest-" + p for p in PROTOCOLS] + ["query-full", "query-under-load", "jmh"]
TICK = os.sysconf("SC_CLK_TCK")
JFR_SUMMARIES = {}  # point -> [(percent of samples, hot path)] of its first run with --jfr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu_seconds(pid):
    """utime + stime of one process, in seconds (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def machine_busy_seconds():
    """CPU seconds spent by the whole machine outside idle and iowait since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / TICK


class Server:
    """A fresh all-in-one on free ports."""

    def __init__(self, args, tag):
        jars = glob.glob(os.path.join(ROOT, "all-in-one", "target", "all-in-one-*-exec.jar"))
        if not jars:
            sys.exit("build first: ./mvnw -B -q -pl all-in-one,loadgen -am package -DskipTests")
        self.ports = {k: free_port() for k in ["zipkin", "otlp_grpc", "otlp_http", "jaeger_http", "jaeger_grpc",
                                                "query", "query_grpc", "admin", "agent"]}
        env = dict(os.environ)
        env.update({
            "SPAN_STORAGE_TYPE": "memory",
            "MEMORY_MAX_TRACES": str(args.max_traces),
            "COLLECTOR_ZIPKIN_HOST_PORT": "127.0.0.1:%d" % self.ports["zipkin"],
            "COLLECTOR_OTLP_GRPC_HOST_PORT": "127.0.0.1:%d" % self.ports["otlp_grpc"],
            "COLLECTOR_OTLP_HTTP_HOST_PORT": "127.0.0.1:%d" % self.ports["otlp_http"],
            "COLLECTOR_HTTP_SERVER_HOST_PORT": "127.0.0.1:%d" % self.ports["jaeger_http"],
            "COLLECTOR_GRPC_SERVER_HOST_PORT": "127.0.0.1:%d" % self.ports["jaeger_grpc"],
            "QUERY_HTTP_SERVER_HOST_PORT": "127.0.0.1:%d" % self.ports["query"],
            "QUERY_GRPC_SERVER_HOST_PORT": "127.0.0.1:%d" % self.ports["query_grpc"],
            "ADMIN_HTTP_HOST_PORT": "127.0.0.1:%d" % self.ports["admin"],
            "AGENT_HTTP_SERVER_HOST_PORT": "127.0.0.1:%d" % self.ports["agent"],
        })
        self.tag = tag
        self.jfr = os.path.join(args.out, tag + ".jfr") if args.jfr else None
        self.gc_log = os.path.join(args.out, tag + ".gc.log") if args.gc_log else None
        cmd = [args.java, "-Xmx" + args.heap, "-Xms" + args.heap] + server_gc_flags(args) + args.jvm_opt
        if self.jfr:
            cmd.append("-XX:StartFlightRecording=filename=%s,settings=profile,dumponexit=true" % self.jfr)
        if self.gc_log:
            # Epoch milliseconds on every line, so pauses can be matched with the generator's query samples.
            cmd.append("-Xlog:gc,gc+init,gc+heap,safepoint:file=%s:timemillis" % self.gc_log)
        cmd += ["-jar", jars[0]]
        self.log = open(os.path.join(args.out, tag + ".server.log"), "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit("the server exited; see " + self.log.name)
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/" % self.ports["admin"], timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        sys.exit("the server did not become healthy in 120 s; see " + self.log.name)

    def endpoint(self, protocol):
        return {
            "otlp-http": "http://127.0.0.1:%d/v1/traces" % self.ports["otlp_http"],
            "otlp-grpc": "127.0.0.1:%d" % self.ports["otlp_grpc"],
            "jaeger-thrift": "http://127.0.0.1:%d/api/traces" % self.ports["jaeger_http"],
            "zipkin-json": "http://127.0.0.1:%d/api/v2/spans" % self.ports["zipkin"],
        }[protocol]

    def query_url(self):
        return "http://127.0.0.1:%d" % self.ports["query"]

    def heap_used_bytes(self):
        """Heap in use after a full GC (jcmd)."""
        subprocess.run(["jcmd", str(self.proc.pid), "GC.run"], capture_output=True, check=False)
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.heap_info"], capture_output=True, text=True,
                             check=False).stdout
        m = re.search(r"used (\d+)K", out)
        return int(m.group(1)) * 1024 if m else float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        if self.jfr:
            hot = jfr_hot_paths(self.jfr)
            JFR_SUMMARIES.setdefault(self.tag.rsplit("-", 1)[0], hot)
            with open(self.jfr + ".top.txt", "w") as f:
                f.write("".join("%5.1f%%  %s\n" % h for h in hot))


def server_gc_flags(args):
    """The server's garbage collector (--gc): the JVM's default G1, or G1 with a shorter pause goal."""
    if args.gc == "default":
        return ["-XX:+UseG1GC"]
    if args.gc == "g1-low-pause":
        return ["-XX:+UseG1GC", "-XX:MaxGCPauseMillis=%d" % args.max_gc_pause_ms]
    if args.gc == "store":
        # The memory store keeps nearly every span it is sent: promoting survivors at their first young collection
        # copies each stored span once instead of about twice (see docs/benchmarks.md, session 6), and the shorter
        # pause goal spreads the copying over more, shorter pauses.
        return ["-XX:+UseG1GC", "-XX:MaxTenuringThreshold=0", "-XX:MaxGCPauseMillis=%d" % args.max_gc_pause_ms]
    return ["-XX:+Use%sGC" % args.gc]


def loadgen(args, server, protocol, extra, log_name):
    jar = os.path.join(ROOT, "loadgen", "target", "loadgen.jar")
    cmd = [args.java, "-Xmx1g", "-jar", jar, "--protocol", protocol, "--endpoint", server.endpoint(protocol),
           "--query-endpoint", server.query_url(), "--inflight", str(args.inflight),
           "--connections", str(args.connections), "--attributes", str(args.attributes),
           "--traces-per-request", str(args.traces_per_request)] + extra
    log = open(os.path.join(args.out, log_name), "w")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True), log


def result_of(log):
    log.close()
    with open(log.name) as f:
        for line in f:
            if line.startswith("RESULT "):
                return {k: float(v) for k, v in (kv.split("=", 1) for kv in line.split()[1:]) if _num(v)}
    sys.exit("the load generator printed no RESULT line; see " + log.name)


def _num(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


class Meter:
    """CPU of our server and of the whole machine over one interval."""

    def __init__(self, server):
        self.server = server
        self.t0 = time.time()
        self.busy0 = machine_busy_seconds()
        self.srv0 = process_cpu_seconds(server.proc.pid)

    def read(self, generator_cpu_s):
        """Our CPU, and the cores used by everything else than our server and the generators (other load)."""
        elapsed = time.time() - self.t0
        srv = process_cpu_seconds(self.server.proc.pid) - self.srv0
        other = machine_busy_seconds() - self.busy0 - srv - generator_cpu_s
        return {"elapsed_s": elapsed, "server_cpu_s": srv, "other_cores": max(other, 0.0) / elapsed}


def run_ingest(args, protocol, rep):
    server = Server(args, "ingest-%s-%d" % (protocol, rep))
    try:
        proc, log = loadgen(args, server, protocol, [
            "--duration", str(args.duration), "--warmup", str(args.warmup), "--check-traces", "500",
            "--trace-queries", "0", "--search-queries", "0"], "ingest-%s-%d.loadgen.log" % (protocol, rep))
        time.sleep(args.warmup)
        meter = Meter(server)
        generator_before = process_cpu_seconds(proc.pid)
        proc.wait()
        r = result_of(log)
        m = meter.read(max(r.get("generator_cpu_s", 0.0) - generator_before, 0.0))
        spans = r["accepted_spans_total"]
        stall = slowest_second_vs_pauses(server, log.name)
        if stall:
            print("ingest-%s #%d: %s" % (protocol, rep, ", ".join("%s %s" % kv for kv in stall.items())), flush=True)
        out = {
            "spans/s": r["spans_per_sec"],
            "slowest 1 s (spans)": r["min_1s_spans"],
            "request p50 ms": r["req_p50_ms"],
            "request p99 ms": r["req_p99_ms"],
            "our CPU µs/span": m["server_cpu_s"] / spans * 1e6 if spans else float("nan"),
            "refused requests": r.get("rejected_requests", 0.0),
            "other load (cores)": m["other_cores"],
        }
        if stall:
            out["GC pause ms in slowest 1 s"] = float(stall["pause ms in it"])
            out["GC pause ms per 1 s"] = float(stall["pause ms per second (mean)"])
        return out
    finally:
        server.stop()


def samples_file(args, tag, rep):
    return os.path.join(args.out, "%s-%d.samples.txt" % (tag, rep))


def fill(args, server, rep, tag):
    """Fills the store with --stored-spans spans at full speed, then runs the query phase of that generator."""
    proc, log = loadgen(args, server, "otlp-http", [
        "--spans", str(args.stored_spans), "--warmup", "0", "--check-traces", "0",
        "--trace-queries", str(args.trace_queries), "--search-queries", str(args.search_queries),
        "--query-samples", samples_file(args, tag, rep)],
        "%s-%d.loadgen.log" % (tag, rep))
    proc.wait()
    return result_of(log)


def gc_pauses(path):
    """(start, end) epoch-millisecond intervals of the stop-the-world pauses in a -Xlog:gc,safepoint log."""
    out = []
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            m = re.match(r"\[(\d+)ms\].*Total: (\d+) ns", line)  # safepoint: reaching + at safepoint
            if m:
                end, ns = int(m.group(1)), int(m.group(2))
                out.append((end - ns / 1e6, end))
    return out


def pause_ms_within(pauses, a, b):
    return sum(max(0.0, min(b, pe) - max(a, ps)) for ps, pe in pauses)


def slowest_second_vs_pauses(server, loadgen_log):
    """Stop-the-world pause time inside the slowest measured second and on average per second; None without
    --gc-log."""
    if not server.gc_log:
        return None
    with open(loadgen_log) as f:
        m = re.search(r"per second from epoch ms (\d+): ([\d,]+)", f.read())
    if not m:
        return None
    t0, counts = int(m.group(1)), [int(c) for c in m.group(2).split(",")]
    pauses = gc_pauses(server.gc_log)
    per_second = [pause_ms_within(pauses, t0 + 1000 * i, t0 + 1000 * (i + 1)) for i in range(len(counts))]
    slowest = min(range(len(counts)), key=lambda i: counts[i])
    return {"slowest second": "#%d of %d (%s spans)" % (slowest + 1, len(counts), "{:,}".format(counts[slowest])),
            "pause ms in it": "%.0f" % per_second[slowest],
            "pause ms per second (mean)": "%.0f" % statistics.mean(per_second),
            "young GCs": sum(1 for _ in young_pauses(server.gc_log)),
            "GC-copied MB": "%.0f" % (gc_copied_bytes(server.gc_log) / 2**20)}


def gc_copied_bytes(path):
    """Bytes the young collections copied (into survivor space or promoted into the old generation), from the region
    counts of -Xlog:gc+heap; with the memory store nearly every stored span is copied at least once."""
    region, total, cur = 0, 0, {}
    with open(path) as f:
        for line in f:
            m = re.search(r"Heap Region Size: (\d+)([KMG])", line)
            if m:
                region = int(m.group(1)) << {"K": 10, "M": 20, "G": 30}[m.group(2)]
            m = re.search(r"GC\((\d+)\) (Survivor|Old) regions: (\d+)->(\d+)", line)
            if m:
                cur[m.group(2)] = (int(m.group(3)), int(m.group(4)))
            if "Pause Young" in line and "Survivor" in cur and "Old" in cur:
                total += cur["Survivor"][1] + max(0, cur["Old"][1] - cur["Old"][0])
                cur = {}
            elif "Pause" in line:
                cur = {}
    return total * region


def young_pauses(path):
    with open(path) as f:
        for line in f:
            if "Pause Young" in line:
                yield line


def tail_vs_pauses(args, server, tag, rep):
    """How many of the slowest 1% of trace-by-ID samples overlap a stop-the-world pause, and the pause time in the
    query phase; None without --gc-log."""
    if not server.gc_log:
        return None
    samples = []
    with open(samples_file(args, tag, rep)) as f:
        for line in f:
            kind, start_us, lat_us = line.split()
            if kind == "trace":
                samples.append((int(start_us) / 1000, int(lat_us) / 1000))
    if not samples:
        return None
    pauses = gc_pauses(server.gc_log)
    first, last = samples[0][0], samples[-1][0] + samples[-1][1]
    in_phase = [(a, b) for a, b in pauses if b >= first and a <= last]
    slow = sorted(samples, key=lambda s: -s[1])[:max(1, len(samples) // 100)]
    hit = sum(1 for st, lat in slow if any(b >= st and a <= st + lat for a, b in in_phase))
    return {"slowest 1% during a pause": "%d/%d" % (hit, len(slow)),
            "pauses in by-ID phase": len(in_phase),
            "longest pause ms": max((b - a for a, b in in_phase), default=0.0)}


def run_query_full(args, rep):
    server = Server(args, "query-full-%d" % rep)
    try:
        base = server.heap_used_bytes()
        meter = Meter(server)
        r = fill(args, server, rep, "query-full")
        m = meter.read(r.get("generator_cpu_s", 0.0))
        stored = min(r["accepted_spans_total"], args.max_traces * 10)
        heap = server.heap_used_bytes() - base
        tail = tail_vs_pauses(args, server, "query-full", rep)
        if tail:
            print("query-full #%d: %s" % (rep, ", ".join("%s %s" % kv for kv in tail.items())), flush=True)
        return {
            "stored spans": stored,
            "trace by ID p50 ms": r["trace_p50_ms"],
            "trace by ID p99 ms": r["trace_p99_ms"],
            "search p50 ms": r["search_p50_ms"],
            "search p99 ms": r["search_p99_ms"],
            "heap B/stored span": heap / stored if stored else float("nan"),
            "other load (cores)": m["other_cores"],
        }
    finally:
        server.stop()


def run_query_under_load(args, rep):
    server = Server(args, "query-under-load-%d" % rep)
    try:
        fill(args, server, rep, "query-under-load-fill")
        background, blog = loadgen(args, server, "otlp-http", [
            "--duration", "3600", "--warmup", "0", "--rate", str(args.background_rate), "--check-traces", "0",
            "--trace-queries", "0", "--search-queries", "0"], "query-under-load-background-%d.loadgen.log" % rep)
        time.sleep(5)
        meter = Meter(server)
        background_before = process_cpu_seconds(background.pid)
        proc, log = loadgen(args, server, "otlp-http", [
            "--duration", "2", "--warmup", "0", "--rate", "2000", "--check-traces", "0",
            "--trace-queries", str(args.trace_queries), "--search-queries", str(args.search_queries)],
            "query-under-load-%d.loadgen.log" % rep)
        proc.wait()
        r = result_of(log)
        background_cpu = process_cpu_seconds(background.pid) - background_before
        m = meter.read(background_cpu + r.get("generator_cpu_s", 0.0))
        background.terminate()
        background.wait()
        blog.close()
        return {
            "background spans/s": args.background_rate,
            "trace by ID p50 ms": r["trace_p50_ms"],
            "trace by ID p99 ms": r["trace_p99_ms"],
            "search p50 ms": r["search_p50_ms"],
            "search p99 ms": r["search_p99_ms"],
            "other load (cores)": m["other_cores"],
        }
    finally:
        server.stop()


def jfr_hot_paths(jfr, n=3):
    """The n most sampled hot paths of a JFR recording: the top frame together with the first of our frames under
    it (the code of ours that led there), with their share of all execution samples."""
    if not jfr or not os.path.exists(jfr):
        return []
    out = subprocess.run(["jfr", "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", jfr],
                         capture_output=True, text=True, check=False).stdout
    counts, total, frames, in_stack = {}, 0, [], False
    for line in out.splitlines():
        t = line.strip()
        if t.startswith("stackTrace = ["):
            in_stack, frames = True, []
        elif in_stack and t.startswith("]"):
            in_stack = False
            if frames:
                total += 1
                ours = next((f for f in frames if f.startswith("io.jaegerj.")), None)
                key = frames[0] if ours is None or ours == frames[0] else frames[0] + " ← " + ours
                counts[key] = counts.get(key, 0) + 1
        elif in_stack and t and t != "...":
            frames.append(re.sub(r"\s+line:.*", "", t))
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:n]
    return [(100.0 * c / total, k) for k, c in top]


def run_jmh(args):
    """The JMH benchmarks of --jmh (forks >= 2, >= 5 measured iterations, -prof gc): score ± error and bytes
    allocated per operation; one row per benchmark and parameter set."""
    jar = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
    if not os.path.exists(jar):
        sys.exit("build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests")
    result = os.path.join(args.out, "jmh.json")
    cmd = [args.java] + (["-Djmh.ignoreLock=true"] if args.jmh_ignore_lock else []) + ["-jar", jar, args.jmh, "-f", str(max(2, args.jmh_forks)), "-wi", "3",
           "-i", str(max(5, args.jmh_iterations)), "-prof", "gc", "-rf", "json", "-rff", result] + args.jmh_arg
    with open(os.path.join(args.out, "jmh.log"), "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=True)
    import json
    rows = []
    with open(result) as f:
        for r in json.load(f):
            pm = r["primaryMetric"]
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
            params = ",".join("%s=%s" % kv for kv in sorted(r.get("params", {}).items()))
            rows.append("| `%s`%s | %s ± %s %s | %s |" % (
                r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1],
                " (" + params + ")" if params else "", fmt(pm["score"]), fmt(pm["scoreError"]), pm["scoreUnit"],
                fmt(alloc)))
    return ("JMH `%s`%s, %d forks × %d measured iterations (3 warm-up), `-prof gc`; error = 99.9%% interval.\n\n"
            "| benchmark | score ± error | allocated B/op |\n|---|---|---|\n%s\n"
            % (args.jmh, (" `" + " ".join(args.jmh_arg) + "`") if args.jmh_arg else "", max(2, args.jmh_forks),
               max(5, args.jmh_iterations), "\n".join(rows)))


def run_point(args, point, rep):
    if point.startswith("ingest-"):
        return run_ingest(args, point[len("ingest-"):], rep)
    if point == "query-full":
        return run_query_full(args, rep)
    if point == "query-under-load":
        return run_query_under_load(args, rep)
    sys.exit("unknown point " + point + "; known: " + ", ".join(ALL_POINTS))


def fmt(v):
    if v != v:  # NaN
        return "n/a"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def table(results):
    out = []
    for point, runs in results.items():
        keys = list(runs[0].keys())
        out.append("| %s | %s |" % ("point", " | ".join(keys)))
        out.append("|" + "---|" * (len(keys) + 1))
        cells = []
        for k in keys:
            values = [r.get(k, float("nan")) for r in runs]
            med = statistics.median(values)
            cells.append(fmt(med) if len(values) == 1 else "%s (%s–%s)" % (fmt(med), fmt(min(values)),
                                                                            fmt(max(values))))
        out.append("| `%s` | %s |" % (point, " | ".join(cells)))
        out.append("")
    return "\n".join(out)


def settings_line(args):
    return ("%d repeats per point, median (lowest–highest); all-in-one with `-Xmx%s`, memory storage, "
            "`MEMORY_MAX_TRACES=%d` (%s spans of %d-span traces); load generator on the same machine: %d in-flight "
            "requests, %d gRPC channels, %d traces (%d spans) per request, %d attributes per span, %d s warmup, "
            "%d s measured; queries: %d by ID and %d searches on a store filled with %s spans; background load "
            "%s spans/s; server GC %s; %d cores, JDK %s."
            % (args.repeats, args.heap, args.max_traces, "{:,}".format(args.max_traces * 10), 10, args.inflight,
               args.connections, args.traces_per_request, args.traces_per_request * 10, args.attributes,
               args.warmup, args.duration, args.trace_queries, args.search_queries,
               "{:,}".format(args.stored_spans), "{:,}".format(args.background_rate),
               "`" + " ".join(server_gc_flags(args) + args.jvm_opt) + "`", os.cpu_count(),
               java_version(args.java)))


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "([^"]+)"', out)
    return m.group(1) if m else "?"


def write_docs(text):
    with open(DOCS) as f:
        doc = f.read()
    block = BEGIN + "\n" + text + "\n" + END
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip() + "\n\n## Headline figures (scripts/bench.py)\n\n" + block + "\n"
    with open(DOCS, "w") as f:
        f.write(doc)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("points", nargs="*", default=ALL_POINTS)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--duration", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--heap", default="2g")
    p.add_argument("--max-traces", type=int, default=100_000)
    p.add_argument("--stored-spans", type=int, default=1_000_000)
    p.add_argument("--inflight", type=int, default=16)
    p.add_argument("--connections", type=int, default=2)
    p.add_argument("--attributes", type=int, default=10)
    p.add_argument("--traces-per-request", type=int, default=20)
    p.add_argument("--trace-queries", type=int, default=500)
    p.add_argument("--search-queries", type=int, default=100)
    p.add_argument("--background-rate", type=int, default=20_000)
    p.add_argument("--jfr", action="store_true",
                   help="keep a JFR profile of every server and write the top three hot paths of each point "
                        "(<out>/<run>.jfr.top.txt and the generated table)")
    p.add_argument("--gc-log", action="store_true",
                   help="log the server's GC pauses and safepoints (<out>/<run>.gc.log) and, for query-full, say how "
                        "many of the slowest 1%% by-ID samples overlap a pause")
    p.add_argument("--gc", default="default", choices=["default", "g1-low-pause", "store", "Parallel", "Z", "Shenandoah"],
                   help="the server's collector: default = the JVM's G1 with its 200 ms pause goal; g1-low-pause = "
                        "G1 with --max-gc-pause-ms; store = that and -XX:MaxTenuringThreshold=0")
    p.add_argument("--max-gc-pause-ms", type=int, default=50, help="pause goal of --gc g1-low-pause and store")
    p.add_argument("--jvm-opt", action="append", default=[], help="an extra JVM option of the server (repeatable)")
    p.add_argument("--jmh", default="TraceReadBenchmark|OtlpGrpcBenchmark",
                   help="JMH benchmarks (regex) of the jmh point")
    p.add_argument("--jmh-forks", type=int, default=2, help="JMH forks (at least 2)")
    p.add_argument("--jmh-ignore-lock", action="store_true",
                   help="run even when another JMH holds /tmp/jmh.lock (allocation figures stay valid, timings not)")
    p.add_argument("--jmh-arg", action="append", default=[],
                   help="an extra JMH argument (repeatable), e.g. --jmh-arg=-p --jmh-arg=storedSpans=100000")
    p.add_argument("--jmh-iterations", type=int, default=5, help="JMH measured iterations (at least 5)")
    p.add_argument("--no-docs", action="store_true", help="print the table only")
    p.add_argument("--java", default="java")
    p.add_argument("--out", default=os.path.join(ROOT, "target", "bench"))
    p.add_argument("--quick", action="store_true",
                   help="a short check of the method: 1 repeat, 5 s measured, 200k stored spans, fewer queries; "
                        "implies --no-docs (its figures are not the headline figures)")
    args = p.parse_args()
    if args.quick:
        args.repeats, args.duration, args.warmup = 1, 5, 2
        args.stored_spans, args.trace_queries, args.search_queries = 200_000, 100, 20
        args.no_docs = True
        if "jmh" in args.points and len(args.points) == len(ALL_POINTS):
            args.points = [x for x in args.points if x != "jmh"]
    os.makedirs(args.out, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    results = {}
    jmh_text = ""
    for point in args.points:
        if point == "jmh":
            jmh_text = run_jmh(args)
            print(jmh_text, flush=True)
            continue
        runs = []
        for rep in range(1, args.repeats + 1):
            r = run_point(args, point, rep)
            print("%s #%d: %s" % (point, rep, ", ".join("%s %s" % (k, fmt(v)) for k, v in r.items())), flush=True)
            runs.append(r)
        results[point] = runs
    text = ("Run %s UTC by `scripts/bench.py %s`. %s\n\n%s"
            % (started.strftime("%Y-%m-%d %H:%M"), " ".join(sys.argv[1:]), settings_line(args), table(results)))
    if JFR_SUMMARIES:
        text += "\nTop three hot paths of our process (JFR execution samples of each point's first run; top frame ← " \
                "the first of our frames under it):\n\n"
        for point, hot in JFR_SUMMARIES.items():
            text += "* `%s`: %s\n" % (point, "; ".join("%.1f%% `%s`" % h for h in hot) or "no samples")
    if jmh_text:
        text += "\n" + jmh_text
    print(text)
    if not args.no_docs:
        write_docs(text)
        print("written to " + DOCS)


if __name__ == "__main__":
    main()
