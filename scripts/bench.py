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
                      iterations and -prof gc: score ± error and bytes allocated per operation;
  opensearch, kafka, remote, cassandra, zipkin, ui
                      the per-backend scripts (scripts/bench-<backend>.sh, bench-vs-zipkin.sh; they start their own
                      servers), each run REPEATS times in a fresh session; the markdown table a script prints is read
                      by its header names, every number of every cell is replaced by its median over the repeats
                      (the lowest and highest in brackets for one-number cells; the worst repeat for losses: missing
                      traces, spans dropped after acknowledgement, errors), and a column "machine's other load over the
                      run (cores)" is added: the machine's busy CPU minus the CPU of the script's processes (/proc
                      and the script's rusage). `--list` shows each point's settings and expected duration.

--gc-log matches slow samples with the server's GC and safepoint pauses, --jfr keeps a profile of every server of ours
(under --out) and writes the top three hot paths of each point, per process, to docs/profiles/<point>.txt, linked from
the point's block. docs/benchmarks.md gets one generated block per point and an index of the current figures; a run
rewrites only the blocks of its points.

Usage:
  scripts/bench.py --build --jfr        # every point (about 100 minutes idle), writes docs/benchmarks.md
  scripts/bench.py --list               # the points, their settings and expected duration
  scripts/bench.py ingest-otlp-grpc --repeats 1 --no-docs
  scripts/bench.py --quick              # every point once, short: checks the method end to end (~18 min idle)
"""
import argparse
import datetime
import glob
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "benchmarks.md")
PROTOCOLS = ["otlp-http", "otlp-grpc", "jaeger-thrift", "zipkin-json"]
TICK = os.sysconf("SC_CLK_TCK")
JFR_SUMMARIES = {}  # point -> hot paths of its first run with --jfr: [(percent, path)] or {process: (that, .jfr)}


class BenchError(Exception):
    """A point cannot be measured or its output cannot be read; the message says why."""


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
            raise BenchError("build first: ./mvnw -B -q -pl all-in-one,loadgen -am package -DskipTests")
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
                raise BenchError("the server exited; see " + self.log.name)
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/" % self.ports["admin"], timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        self.proc.wait()
        raise BenchError("the server did not become healthy in 120 s; see " + self.log.name)

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
    raise BenchError("the load generator printed no RESULT line; see " + log.name)


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
        raise BenchError("build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests")
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



# ---------------------------------------------------------------------------------------------------------------
# Points that run a per-backend script. The script starts its own servers; bench.py runs it REPEATS times, each in a
# fresh session, reads the markdown table it prints by its header names and takes the median of every number.

OTHER_LOAD = "machine's other load over the run (cores)"
# Columns that count losses (anything not stored that was acknowledged, traces found incomplete, failed queries):
# their worst repeat is reported, not the median.
LOSS_COLUMNS = [r"missing", r"dropped after ack", r"lost", r"failures?\b", r"errors?\b"]


class Backend:
    def __init__(self, name, script, what, minutes, env, quick_env, required, headline, modules, pick=None,
                 lines=None, legacy=None, repeats=3, timeout_min=30, line_headline=(), optional=None,
                 headline_rows=None):
        self.name = name
        self.script = script
        self.what = what  # what the point measures, for --list and the docs
        self.minutes = minutes  # expected minutes per repeat on an idle machine (full, quick)
        self.env = env  # the stated settings: environment of the script
        self.quick_env = quick_env  # overrides of --quick
        self.required = required  # {label: header regex}: the columns that must be there (headline figures)
        self.headline = headline  # labels of required columns shown in the index of current figures
        self.modules = modules  # Maven modules whose jars the script needs (--build)
        self.pick = pick  # (headers, row) -> keep the row? None = every row
        self.lines = lines  # regex of output lines that are the figures, for a script without a table
        self.legacy = legacy  # text -> (headers, rows) for the script's output before it printed a table
        self.repeats = repeats
        self.timeout_min = timeout_min
        self.headline_rows = headline_rows  # regex of the first cell of the rows shown in the index (None: all)
        self.optional = optional or {}  # {label: header regex}: columns shown in the index when they are there
        self.line_headline = line_headline  # [(label, regex with one group)] over the figure lines, for the index


def _os_max_row(headers, row):
    i = column(headers, r"^offered")
    return i is not None and row[i].startswith("max")


BACKENDS = {b.name: b for b in [
    Backend("opensearch", "scripts/bench-opensearch.sh",
            "all-in-one into one fresh OpenSearch 2.19.1 node (1 GB heap), recommended (tuned) flags, "
            "acknowledgement = stored, closed loop (64 requests in flight, refused requests back off): the highest "
            "sustained rate, every sampled acknowledged trace read back, our CPU and OpenSearch's per stored span",
            (3.8, 1.5),
            # MODES=" ": no fixed-rate points, only the warm-up and the closed-loop stored point (the script's loop
            # over MODES is empty; an empty MODES would fall back to its default). WARMUP 30 s (was 5): the fresh
            # all-in-one's and OpenSearch's JIT ramp was inside the measured 30 s (docs/benchmarks.md, session 9)
            {"PROFILES": "tuned", "MODES": " ", "MAX_DURATION": "30", "MAX_INFLIGHT": "64", "WARMUP": "30",
             "CHECK": "200", "HEAP": "1g", "OS_HEAP": "1g"},
            {"MAX_DURATION": "5", "WARMUP": "2", "CHECK": "20"},
            {"accepted spans/s": r"^accepted spans/s", "missing acked traces": r"^missing acked traces",
             "dropped after ack": r"^dropped after ack", "our CPU µs/span": r"^our cpu",
             "OpenSearch CPU µs/span": r"^opensearch cpu"},
            ["accepted spans/s", "missing acked traces", "our CPU µs/span", "OpenSearch CPU µs/span"],
            ["all-in-one", "loadgen"], pick=_os_max_row),
    Backend("kafka", "scripts/bench-kafka.sh",
            "collector (acknowledgement = stored) -> one fresh Kafka broker, OTLP/HTTP from the load generator; the "
            "ingester's drain rate into memory storage; CPU per span of the collector and the broker",
            (3.0, 1.5),
            {"DUR": "20", "WARM": "20", "INFLIGHT": "32", "REPEATS": "1", "BUILD": "0"},
            {"DUR": "5", "WARM": "3"},
            {"collector -> Kafka spans/s": [r"collector.*kafka.*spans/s", r"kafka.*spans/s|spans/s.*kafka"],
             "ingester spans/s": [r"ingester.*spans/s|drain.*spans/s", r"ingester|drain"],
             "collector CPU µs/span": r"collector.*(cpu|µs)|(cpu|µs).*collector"},
            ["collector -> Kafka spans/s", "ingester spans/s", "collector CPU µs/span"],
            ["collector", "ingester", "loadgen"], legacy=lambda text: legacy_kafka(text)),
    Backend("remote", "scripts/bench-remote-storage.sh",
            "the same load against A) all-in-one with memory storage in process and B) collector + query -> "
            "remote-storage -> memory (fresh processes each): spans/s and the B/A ratio, trace by ID and search p99 "
            "ratios, CPU per span of every process",
            (3.5, 1.2),
            {"ROUNDS": "1", "REPEATS": "1", "WARM": "30", "DUR": "20", "INFLIGHT": "16", "HEAP": "1g", "BUILD": "0",
             "JMH": "0"},
            {"WARM": "5", "DUR": "5"},
            {"B/A spans/s": [r"b/a", r"spans.*ratio|ratio.*spans"],
             "trace by ID p99": [r"(trace|by.id).*p99.*(ratio|b/a)", r"(trace|by.id).*p99|p99.*(trace|by.id)"],
             "search p99": [r"search.*p99.*(ratio|b/a)", r"search.*p99|p99.*search"]},
            ["B/A spans/s", "trace by ID p99", "search p99"],
            ["all-in-one", "collector", "query", "remote-storage", "loadgen"],
            legacy=lambda text: legacy_remote(text)),
    Backend("cassandra", "scripts/bench-cassandra.sh",
            "one fresh Cassandra 5.0.4 node (1 GB heap): spans/s written with every write acknowledged by Cassandra, "
            "getTrace and search p50/p99 on the full store, CPU per span of our process and of Cassandra",
            (20.0, 4.0),
            {"SPANS": "1000000", "PROFILES": "default recommended", "INFLIGHT": "16", "CHECK": "200",
             "TRACE_QUERIES": "500", "SEARCH_QUERIES": "100", "CASS_HEAP": "1g"},
            {"SPANS": "20000", "TRACE_QUERIES": "50", "SEARCH_QUERIES": "20"},
            {"spans/s": [r"^accepted spans/s", r"spans/s"],
             "getTrace p99": [r"gettrace p99", r"gettrace|trace by id|by.id"],
             "search p99": [r"search p99", r"search"]},
            ["spans/s", "missing acked traces", "our CPU µs/span", "Cassandra CPU µs/span", "getTrace p99",
             "search p99"],
            ["all-in-one", "loadgen", "storage-cassandra", "benchmarks"], repeats=1, timeout_min=90,
            optional={"missing acked traces": r"^missing", "our CPU µs/span": [r"^our cpu", r"write cpu"],
                      "Cassandra CPU µs/span": r"^cassandra cpu"}),
    Backend("zipkin", "scripts/bench-vs-zipkin.sh",
            "A/B on one machine: our all-in-one (memory storage) against the Zipkin 3.5.1 server (in memory), both "
            "with the same heap, driven by the same load generator with Zipkin JSON v2 at full speed and the same "
            "queries afterwards: ingest spans/s, trace by ID and search p50/p99, heap per stored span, CPU per "
            "million spans, ours / Zipkin",
            (4.0, 1.5),
            {"ROUNDS": "1", "DURATION": "60", "WARMUP": "10", "HEAP": "2g", "MAX_SPANS": "500000", "INFLIGHT": "16",
             "TRACE_QUERIES": "1000", "SEARCH_QUERIES": "200", "CHECK_TRACES": "500", "ZIPKIN_VERSION": "3.5.1"},
            {"DURATION": "5", "WARMUP": "2", "MAX_SPANS": "100000", "TRACE_QUERIES": "100", "SEARCH_QUERIES": "20",
             "CHECK_TRACES": "50"},
            {"jaegerj": r"^jaegerj$", "zipkin": r"^zipkin$", "ours/zipkin": r"ours/zipkin"},
            ["jaegerj", "zipkin", "ours/zipkin"], ["all-in-one", "loadgen"],
            headline_rows=r"^(ingest spans/s|trace by ID p99|search p99|server CPU)"),
    Backend("ui", "scripts/bench-ui.sh",
            "query's cost of the first page of a 50,000-span trace, and the same trace and the System Architecture "
            "layout in headless Chromium (e2e-tests)",
            (4.0, 4.0), {}, {},
            {"figure": r"^figure$"}, [], [], lines=r"^(Trace page cost|UI e2e|UI SA layout)",
            line_headline=[("first paint", r"first paint ([\d,.]+ ms)"),
                           ("whole timeline painted", r"whole timeline painted ([\d,.]+ ms)"),
                           ("scroll frame p99", r"frame time p50 [\d.]+ ms, p99 ([\d.]+ ms)"),
                           ("query's first page CPU",
                            r"whole answer \(choose and write JSON\) [\d,]+ B, ([\d.]+ ms) CPU"),
                           ("SA layout crossings", r"(\d+) crossings")]),
]}

MEMORY_POINTS = ["ingest-" + p for p in PROTOCOLS] + ["query-full", "query-under-load"]
ALL_POINTS = MEMORY_POINTS + ["jmh"] + list(BACKENDS)
MEMORY_HEADLINE = {
    "ingest": ["spans/s", "slowest 1 s (spans)", "our CPU µs/span"],
    "query-full": ["trace by ID p99 ms", "search p99 ms", "heap B/stored span"],
    "query-under-load": ["trace by ID p99 ms", "search p99 ms"],
}

# A number inside a cell: 1,234,567.8 (thousands grouped), or 12.5, -3; not the 50 of "p50".
NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w])")


def column(headers, pattern):
    """Index of the first header matching the regex (case-insensitive), or None; with a list of regexes, the first
    regex that matches a header decides (most specific first)."""
    for rx in ([pattern] if isinstance(pattern, str) else pattern):
        rx = re.compile(rx, re.I)
        i = next((i for i, h in enumerate(headers) if rx.search(h)), None)
        if i is not None:
            return i
    return None


def parse_tables(text):
    """Every markdown table of a text: [(headers, rows)], cells stripped; a table is a header line, a |---| line and
    the rows under it."""
    tables, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if (lines[i].strip().startswith("|") and i + 1 < len(lines)
                and re.match(r"^\s*\|(\s*:?-+:?\s*\|)+\s*$", lines[i + 1])):
            headers = _cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append((headers, rows))
        else:
            i += 1
    return tables


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def select_table(backend, text):
    """The table of one run that has every required column; a clear error naming what is missing otherwise."""
    if backend.lines:
        rows = [[ln.strip()] for ln in text.splitlines() if re.search(backend.lines, ln.strip())]
        if not rows:
            raise BenchError("%s printed none of its figure lines (/%s/)" % (backend.script, backend.lines))
        return ["figure"], rows
    tables = parse_tables(text)
    if not tables and backend.legacy:
        legacy = backend.legacy(text)
        if legacy:
            tables = [legacy]
    if not tables:
        raise BenchError("%s printed no markdown table" % backend.script)
    best = None
    for headers, rows in tables:
        missing = [label for label, rx in backend.required.items() if column(headers, rx) is None]
        if not missing:
            if backend.pick:
                rows = [r for r in rows if backend.pick(headers, r)]
                if not rows:
                    raise BenchError("%s: no row of its table is the point's row" % backend.script)
            return headers, [r + [""] * (len(headers) - len(r)) for r in rows]
        if best is None or len(missing) < len(best[1]):
            best = (headers, missing)
    raise BenchError("%s: column(s) missing from its table: %s (patterns %s); its headers: %s" % (
        backend.script, ", ".join(best[1]), ", ".join("/%s/" % "/ or /".join(
            [backend.required[m]] if isinstance(backend.required[m], str) else backend.required[m]) for m in best[1]),
        " | ".join(best[0])))


def select_tables(backend, text):
    """The tables of one run to keep: the one table with every required column, or else every table, when the
    required columns are spread over several (e.g. one table per phase); a clear error otherwise."""
    try:
        return [select_table(backend, text)]
    except BenchError as single:
        tables = parse_tables(text) if not backend.lines else []
        if len(tables) < 2:
            raise
        missing = [label for label, rx in backend.required.items()
                   if all(column(h, rx) is None for h, _ in tables)]
        if missing:
            raise BenchError("%s (nor in its other tables: %s)" % (single, ", ".join(missing)))
        out = []
        for headers, rows in tables:
            if backend.pick and column(headers, r"^offered") is not None:
                rows = [r for r in rows if backend.pick(headers, r)]
            out.append((headers, [r + [""] * (len(headers) - len(r)) for r in rows]))
        return out


def template(cell):
    """A cell with its numbers taken out: (text with {} for each number, [numbers], [how each was written])."""
    nums, shapes = [], []

    def take(m):
        raw = m.group(0)
        nums.append(float(raw.replace(",", "")))
        shapes.append(("," in raw,  # grouped as the script wrote it
                       len(raw.split(".", 1)[1]) if "." in raw else 0))
        return "{}"

    return NUMBER.sub(take, cell.replace("{", "(").replace("}", ")")), nums, shapes


def write_number(v, grouped, decimals):
    return ("{:,.%df}" if grouped else "{:.%df}") .replace("%d", str(decimals)).format(v)


def median_cell(cells, worst=False):
    """One cell from the same cell of every repeat: each number replaced by its median (written as precisely as the
    script wrote it); a one-number cell whose repeats differ gets (lowest–highest). Cells whose text differs beyond
    their numbers are listed, separated by "; "."""
    parts = [template(c) for c in cells]
    if len({p[0] for p in parts}) != 1:
        out = []
        for c in cells:
            if c not in out:
                out.append(c)
        return "; ".join(out)
    text, first, _ = parts[0]
    if not first:
        return cells[0]
    if worst and len(cells) > 1:
        text += " (worst of %d)" % len(cells)
    values = []
    for k in range(len(first)):
        column_values = [p[1][k] for p in parts]
        grouped = any(p[2][k][0] for p in parts)
        decimals = max(p[2][k][1] for p in parts)
        med = max(column_values) if worst else statistics.median(column_values)
        if worst:
            values.append(write_number(med, grouped, decimals))
        elif len(first) == 1 and len(cells) > 1 and min(column_values) != max(column_values):
            values.append("%s (%s–%s)" % (write_number(med, grouped, decimals),
                                          write_number(min(column_values), grouped, decimals),
                                          write_number(max(column_values), grouped, decimals)))
        else:
            values.append(write_number(med, grouped, decimals))
    return text.format(*values)


def median_table(runs, worst=()):
    """runs: [(headers, rows)] of the repeats -> (headers, rows) with every cell the median_cell of the repeats; the
    columns matching a regex of worst (losses: missing traces, spans dropped after acknowledgement) get the worst
    repeat instead of the median, so one bad repeat is not hidden."""
    headers = runs[0][0]
    worst_columns = {i for i, h in enumerate(headers) if any(re.search(rx, h, re.I) for rx in worst)}
    for h, rows in runs[1:]:
        if h != headers:
            raise BenchError("the repeats printed different columns: %s vs %s" % (" | ".join(headers),
                                                                                  " | ".join(h)))
        if len(rows) != len(runs[0][1]):
            raise BenchError("the repeats printed %d and %d rows" % (len(runs[0][1]), len(rows)))
    out = []
    for i in range(len(runs[0][1])):
        out.append([median_cell([rows[i][j] if j < len(rows[i]) else "" for _, rows in runs], j in worst_columns)
                    for j in range(len(headers))])
    return headers, out


def render_table(headers, rows):
    return "\n".join(["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
                     + ["| " + " | ".join(r) + " |" for r in rows])


def legacy_kafka(text):
    """scripts/bench-kafka.sh output before it printed a table: the load generator's RESULT line, the CPU line and
    the busiest-interval lines -> a one-row table."""
    res = re.search(r"^RESULT .*$", text, re.M)
    cpu = re.search(r"CPU per span acknowledged by Kafka \((\d+) spans\): collector ([\d.]+) us, broker ([\d.]+) us",
                    text)
    prod = re.search(r"collector -> Kafka .*?: (\d+) spans/s", text)
    ing = re.search(r"ingester -> storage .*?: (\d+) spans/s", text)
    if not (res and cpu and ing):
        return None
    kv = dict(x.split("=", 1) for x in res.group(0).split()[1:] if "=" in x)
    return (["collector -> Kafka spans/s (acknowledged, loadgen)", "slowest 1 s (spans)",
             "collector -> Kafka spans/s (busiest 5 s, producer)", "ingester -> storage spans/s (busiest 5 s)",
             "collector CPU µs/span", "broker CPU µs/span", "refused requests"],
            [[write_number(float(kv.get("spans_per_sec", "nan")), True, 0),
              write_number(float(kv.get("min_1s_spans", "nan")), True, 0),
              write_number(float(prod.group(1)) if prod else float("nan"), True, 0),
              write_number(float(ing.group(1)), True, 0), cpu.group(2), cpu.group(3),
              kv.get("rejected_requests", "?")]])


def legacy_remote(text):
    """scripts/bench-remote-storage.sh output before it printed a table: the "== means" lines and the CPU lines ->
    a one-row table."""
    means = dict((m.group(1), (m.group(2), m.group(3), m.group(4))) for m in re.finditer(
        r"^(\w+)\s+A\s+([\d.]+)\s+B\s+([\d.]+)\s+B/A (\S+)", text, re.M))
    cpu = dict(((m.group(1), m.group(2)), m.group(3)) for m in re.finditer(
        r"^([AB]) ([\w-]+)\s+([\d.]+)\s*$", text, re.M))
    if "spans_per_sec" not in means:
        return None

    def ratio(k):
        return means[k][2] if k in means else "?"

    return (["in process spans/s", "through the hop spans/s", "B/A spans/s", "trace by ID p99 ms A / B",
             "trace by ID p99 ratio", "search p99 ms A / B", "search p99 ratio", "CPU µs/span in process",
             "CPU µs/span collector + remote-storage"],
            [[write_number(float(means["spans_per_sec"][0]), True, 0),
              write_number(float(means["spans_per_sec"][1]), True, 0), ratio("spans_per_sec"),
              "%s / %s" % means.get("trace_p99_ms", ("?", "?"))[:2], ratio("trace_p99_ms"),
              "%s / %s" % means.get("search_p99_ms", ("?", "?"))[:2], ratio("search_p99_ms"),
              cpu.get(("A", "all-in-one"), "?"),
              "%s + %s" % (cpu.get(("B", "collector"), "?"), cpu.get(("B", "remote-storage"), "?"))]])


def session_cpu_seconds(sid, seen):
    """Updates seen (pid -> CPU seconds) with every live process of session sid; returns their sum."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:
            seen[int(d)] = (int(fields[11]) + int(fields[12])) / TICK
    return sum(seen.values())


def session_pids(sid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[3]) == sid:
                        out.append(int(d))
            except OSError:
                pass
    return out


JFR_WRAPPER = """#!/bin/bash
# scripts/bench.py --jfr: records a JFR profile of our servers started by a backend script, then runs java.
for a in "$@"; do
  case "$a" in
    *zipkin-server-*) break;;
    *-exec.jar|io.jaegerj.bench.StorageBenchmark)
      name=$(basename "$a" | sed -e 's/-[0-9][0-9.]*\\(-SNAPSHOT\\)\\?-exec\\.jar$//' -e 's/.*\\.//')
      exec %(java)s -XX:StartFlightRecording=filename=%(dir)s/$name-$$.jfr,settings=profile,dumponexit=true "$@";;
  esac
done
exec %(java)s "$@"
"""


def backend_env_overrides(args, backend):
    """--env BACKEND.VAR=value settings of this backend."""
    out = {}
    for kv in args.env:
        name, _, value = kv.partition("=")
        if name.startswith(backend.name + "."):
            out[name.split(".", 1)[1]] = value
    return out


def run_backend(args, backend, rep):
    """One run of a backend script in a fresh session: its tables [(headers, rows)], the machine's other load added
    to the first."""
    tag = "%s-%d" % (backend.name, rep)
    out_dir = os.path.join(args.out, tag)
    shutil.rmtree(out_dir, ignore_errors=True)  # nothing of an earlier run (recordings, data) is read again
    os.makedirs(out_dir)
    env = dict(os.environ)
    env.update(backend.env)
    if args.quick:
        env.update(backend.quick_env)
    env.update(backend_env_overrides(args, backend))
    env["OUT"] = env["BENCH_DIR"] = out_dir
    jfr_dir = None
    if args.jfr:
        jfr_dir = os.path.join(out_dir, "jfr")
        wrapper_dir = os.path.join(out_dir, "jfr-bin")
        os.makedirs(jfr_dir, exist_ok=True)
        os.makedirs(wrapper_dir, exist_ok=True)
        wrapper = os.path.join(wrapper_dir, "java")
        with open(wrapper, "w") as f:
            f.write(JFR_WRAPPER % {"java": shutil.which(args.java) or args.java, "dir": jfr_dir})
        os.chmod(wrapper, 0o755)
        env["PATH"] = wrapper_dir + os.pathsep + env["PATH"]
        env["JAVA"] = wrapper
    log_path = os.path.join(args.out, tag + ".log")
    print("%s #%d: %s (log %s)" % (backend.name, rep, " ".join(
        "%s=%r" % (k, env[k]) for k in sorted(set(backend.env) | set(backend_env_overrides(args, backend))
                                              | (set(backend.quick_env) if args.quick else set()))),
        log_path), flush=True)
    load_before = open("/proc/loadavg").read().split()[:3]
    with open(log_path, "w") as log:
        t0, busy0 = time.time(), machine_busy_seconds()
        proc = subprocess.Popen(["bash", os.path.join(ROOT, backend.script)], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        seen, deadline, reaped_cpu = {}, t0 + backend.timeout_min * 60, 0.0
        try:
            while True:
                session_cpu_seconds(proc.pid, seen)
                # the script's rusage once it ends: its CPU and that of every descendant it (or they) waited for,
                # including processes that ended between two polls
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    reaped_cpu = usage.ru_utime + usage.ru_stime
                    break
                if time.time() > deadline:
                    raise BenchError("%s ran longer than %d minutes" % (backend.script, backend.timeout_min))
                time.sleep(0.5)
        finally:
            for pid in session_pids(proc.pid):  # what the script left running (it started them: same session)
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        # both are lower bounds of our CPU: polling misses the last moments of each process, rusage misses
        # processes nobody waited for (left to init)
        ours = max(sum(seen.values()), reaped_cpu)
        elapsed, busy = time.time() - t0, machine_busy_seconds() - busy0
    with open(log_path) as f:
        text = f.read()
    # a broker's log directory (bench-kafka.sh: BENCH_DIR/data) holds every span of the run: not kept
    shutil.rmtree(os.path.join(out_dir, "data"), ignore_errors=True)
    try:
        tables = select_tables(backend, text)
    except BenchError as e:
        if proc.returncode == 0:
            raise
        raise BenchError("%s exited with %d (%s); last lines of %s:\n%s" % (
            backend.script, proc.returncode, e, log_path, "\n".join(text.splitlines()[-15:])))
    if proc.returncode != 0:  # e.g. a cleanup trap's `wait` on a killed server under set -e
        print("%s #%d: %s exited with %d after printing its table; the table is used" % (
            backend.name, rep, backend.script, proc.returncode), flush=True)
    other = max(busy - ours, 0.0) / elapsed
    headers, rows = tables[0]
    tables[0] = (headers + [OTHER_LOAD], [r + ["%.2f" % other] for r in rows])
    headers, rows = tables[0]
    if jfr_dir:
        deadline = time.time() + 30  # a JVM ended by the script's cleanup may still be writing its recording
        while time.time() < deadline and any(os.path.getsize(p) == 0 for p in glob.glob(jfr_dir + "/*.jfr")):
            time.sleep(0.5)
        per_process = {}
        for rec in sorted(glob.glob(jfr_dir + "/*.jfr"), key=os.path.getmtime):
            hot = jfr_hot_paths(rec)
            if hot:  # the last recording of each kind of process: a script's warm-up run comes first
                per_process[os.path.basename(rec).rsplit("-", 1)[0]] = (hot, rec)
        if per_process:
            JFR_SUMMARIES.setdefault(backend.name, per_process)
    print("%s #%d: %.0f s, load average %s before, other load %.2f cores; %s" % (
        backend.name, rep, elapsed, " ".join(load_before), other,
        "; ".join("%s %s" % (h, c) for h, c in zip(headers, rows[0])) if rows else "no rows"), flush=True)
    return tables


def run_memory_point(args, point, rep):
    if point.startswith("ingest-"):
        return run_ingest(args, point[len("ingest-"):], rep)
    if point == "query-full":
        return run_query_full(args, rep)
    if point == "query-under-load":
        return run_query_under_load(args, rep)
    raise BenchError("unknown point " + point + "; known: " + ", ".join(ALL_POINTS))


def fmt(v):
    if v != v:  # NaN
        return "n/a"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def memory_table(runs):
    """The repeats of one memory-store point (dicts of figures) -> (headers, [row]) of medians (lowest–highest)."""
    keys = list(runs[0].keys())
    cells = []
    for k in keys:
        values = [r.get(k, float("nan")) for r in runs]
        med = statistics.median(values)
        cells.append(fmt(med) if len(values) == 1 else "%s (%s–%s)" % (fmt(med), fmt(min(values)),
                                                                        fmt(max(values))))
    return keys, [cells]


def settings_line(args):
    return ("%d repeat%s per point, median (lowest–highest); all-in-one with `-Xmx%s`, memory storage, "
            "`MEMORY_MAX_TRACES=%d` (%s spans of %d-span traces); load generator on the same machine: %d in-flight "
            "requests, %d gRPC channels, %d traces (%d spans) per request, %d attributes per span, %d s warmup, "
            "%d s measured; queries: %d by ID and %d searches on a store filled with %s spans; background load "
            "%s spans/s; server GC %s; %d cores, JDK %s."
            % (args.repeats, "" if args.repeats == 1 else "s", args.heap, args.max_traces,
               "{:,}".format(args.max_traces * 10), 10, args.inflight,
               args.connections, args.traces_per_request, args.traces_per_request * 10, args.attributes,
               args.warmup, args.duration, args.trace_queries, args.search_queries,
               "{:,}".format(args.stored_spans), "{:,}".format(args.background_rate),
               "`" + " ".join(server_gc_flags(args) + args.jvm_opt) + "`", os.cpu_count(),
               java_version(args.java)))


def backend_settings(args, backend, repeats):
    env = dict(backend.env)
    if args.quick:
        env.update(backend.quick_env)
    env.update(backend_env_overrides(args, backend))
    return ("%d repeat%s, each in a fresh session (fresh servers), median of every number (lowest–highest); "
            "`%s` with %s; %d cores, JDK %s."
            % (repeats, "" if repeats == 1 else "s", backend.script,
               " ".join("`%s=%s`" % (k, shlex_quote(v)) for k, v in env.items()) or "its defaults",
               os.cpu_count(), java_version(args.java)))


def shlex_quote(v):
    import shlex
    return shlex.quote(v)


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "([^"]+)"', out)
    return m.group(1) if m else "?"


# ---------------------------------------------------------------------------------------------------------------
# docs/benchmarks.md: one generated block per point, and an index of the current figures built from the blocks.

INDEX = "index"


def markers(name):
    return ("<!-- scripts/bench.py %s: begin (generated, do not edit by hand) -->" % name,
            "<!-- scripts/bench.py %s: end -->" % name)


def replace_block(doc, name, text):
    """doc with the block of name replaced by text; a missing block is added at the end of the "One method"
    section."""
    begin, end = markers(name)
    block = begin + "\n" + text.rstrip() + "\n" + end
    if begin in doc and end in doc:
        return doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    section = doc.find("## One method for the headline figures")
    nxt = doc.find("\n## ", section + 1) if section >= 0 else -1
    if nxt < 0:
        return doc.rstrip() + "\n\n" + block + "\n"
    return doc[:nxt] + "\n" + block + "\n" + doc[nxt:]


def blocks(doc):
    """{name: text} of every generated block."""
    out = {}
    for m in re.finditer(r"<!-- scripts/bench\.py ([\w-]+): begin \(generated, do not edit by hand\) -->\n(.*?)"
                         r"<!-- scripts/bench\.py \1: end -->", doc, re.S):
        out[m.group(1)] = m.group(2)
    return out


def index_text(doc):
    """The index of current figures: the first line of every point's block (its date, command and headline)."""
    found = blocks(doc)
    lines = ["Current figures (each line is the first line of its point's generated block below; everything outside "
             "the generated blocks in this file is dated history):", ""]
    for point in ALL_POINTS:
        text = found.get(point)
        first = text.strip().splitlines()[0] if text and text.strip() else "not run yet"
        lines.append("* `%s`: %s" % (point, first))
    return "\n".join(lines)


def write_docs(texts, path=DOCS):
    """texts: {point: block text}; rewrites those blocks and the index of the file at path, nothing else."""
    with open(path) as f:
        doc = f.read()
    for point, text in texts.items():
        doc = replace_block(doc, point, text)
    doc = replace_block(doc, INDEX, index_text(doc))
    with open(path, "w") as f:
        f.write(doc)


def headline(headers, row, labels, patterns=None):
    out = []
    for label in labels:
        i = column(headers, patterns[label]) if patterns else (headers.index(label) if label in headers else None)
        if i is not None and i < len(row):
            out.append("%s **%s**" % (headers[i], row[i]))
    return "; ".join(out)


def rows_headline(backend, headers, rows):
    """The headline figures of a backend's table; with several rows, each led by its first cell (e.g. its profile)."""
    return tables_headline(backend, [(headers, rows)])


def tables_headline(backend, tables):
    """The headline figures of a backend's tables, each label from the first table that has its column; a table of
    several rows gives one part per row, led by its first cell (e.g. its profile)."""
    patterns = dict(backend.optional, **backend.required)
    parts, done = [], set()
    for headers, rows in tables:
        if backend.headline_rows:
            rows = [r for r in rows if re.search(backend.headline_rows, r[0])]
        labels = [lb for lb in backend.headline if lb not in done and column(headers, patterns[lb]) is not None]
        done.update(labels)
        if not labels or not rows:
            continue
        if len(rows) == 1:
            parts.append(headline(headers, rows[0], labels, patterns))
        else:
            parts += ["%s: %s" % (r[0], headline(headers, r, labels, patterns)) for r in rows]
    return "; ".join(parts)


def line_headline(backend, rows):
    text = "\n".join(r[0] for r in rows)
    out = []
    for label, rx in backend.line_headline:
        m = re.search(rx, text)
        out.append("%s **%s**" % (label, m.group(1)) if m else "%s: not printed" % label)
    return "; ".join(out) or "see the lines below"


def profile_text(point, hot_by_process):
    lines = ["Top three hot paths of `%s` (JFR execution samples of its first run; top frame ← the first of our "
             "frames under it), per process of ours (its last recording when the script started it more than once: "
             "a warm-up run comes first):" % point, ""]
    for name, (hot, rec) in sorted(hot_by_process.items()):
        lines.append("%s (%s):" % (name, os.path.basename(rec)))
        lines += ["  %5.1f%%  %s" % h for h in hot] or ["  no samples"]
        top = subprocess.run(["bash", os.path.join(ROOT, "scripts", "jfr-top.sh"), rec, "10"], capture_output=True,
                             text=True, check=False).stdout
        lines += ["", "  scripts/jfr-top.sh %s 10:" % os.path.basename(rec)] + ["    " + ln for ln in
                                                                                 top.splitlines()] + [""]
    return "\n".join(lines) + "\n"


def keep_profile(args, point):
    """Writes the hot paths of a point next to the docs (docs/profiles/<point>.txt, or under --out with --no-docs);
    returns the link for the block."""
    hot = JFR_SUMMARIES.get(point)
    if not hot:
        return ""
    if not isinstance(hot, dict):
        hot = {"server": (hot, os.path.join(args.out, point + "-1.jfr"))}
    directory = os.path.join(args.out, "profiles") if args.no_docs else os.path.join(os.path.dirname(args.docs),
                                                                                     "profiles")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, point + ".txt")
    with open(path, "w") as f:
        f.write(profile_text(point, hot))
    first = "; ".join("%s: %.1f%% `%s`" % (name, h[0][0], h[0][1]) for name, (h, _) in sorted(hot.items()) if h)
    return "\nTop hot paths (JFR, first run): %s; the top three per process are in " \
        "[profiles/%s.txt](profiles/%s.txt).\n" \
        % (first, point, point)


def command_line():
    return "scripts/bench.py " + " ".join(sys.argv[1:])


def plan(args):
    """[(point, repeats, minutes per repeat, settings)] of the points asked for."""
    out = []
    for point in args.points:
        if point in BACKENDS:
            b = BACKENDS[point]
            reps = args.repeats if args.repeats_set else (1 if args.quick else b.repeats)
            env = dict(b.env)
            if args.quick:
                env.update(b.quick_env)
            out.append((point, reps, b.minutes[1 if args.quick else 0],
                        "%s; %s %s" % (b.what, b.script, " ".join("%s=%s" % (k, shlex_quote(v))
                                                                  for k, v in env.items()))))
        elif point == "jmh":
            out.append((point, 1, 10.0 if args.jmh == "TraceReadBenchmark|OtlpGrpcBenchmark" else 5.0,
                        "JMH %s, %d forks x %d measured iterations (3 warm-up), -prof gc" % (
                            args.jmh, max(2, args.jmh_forks), max(5, args.jmh_iterations))))
        elif point.startswith("ingest-"):
            out.append((point, args.repeats, (15 + args.warmup + args.duration) / 60.0,
                        "all-in-one -Xmx%s, memory store, %s at full speed, %d s warm-up + %d s" % (
                            args.heap, point[7:], args.warmup, args.duration)))
        elif point == "query-full":
            out.append((point, args.repeats, 1.0 + args.stored_spans / 200_000 / 60.0 * 1.5,
                        "fill %s spans over OTLP/HTTP, then %d by-ID and %d search queries, heap per stored span" % (
                            "{:,}".format(args.stored_spans), args.trace_queries, args.search_queries)))
        elif point == "query-under-load":
            out.append((point, args.repeats, 1.5 + args.stored_spans / 200_000 / 60.0 * 1.5,
                        "the same queries under %s spans/s of background load" % "{:,}".format(args.background_rate)))
        else:
            raise BenchError("unknown point %s; known: %s" % (point, ", ".join(ALL_POINTS)))
    return out


def build(args):
    modules = {"all-in-one", "loadgen"}
    for point in args.points:
        if point in BACKENDS:
            modules |= set(BACKENDS[point].modules)
        if point == "jmh":
            modules.add("benchmarks")
    cmd = ["./mvnw", "-o", "-B", "-q", "-pl", ",".join(sorted(modules)), "-am", "package", "-DskipTests"]
    print("building: " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("points", nargs="*", default=["all"], help="points (default all): " + ", ".join(ALL_POINTS))
    p.add_argument("--list", action="store_true", help="print the points with their settings and expected duration")
    p.add_argument("--build", action="store_true", help="first package the modules the points need (offline)")
    p.add_argument("--repeats", type=int, default=None,
                   help="repeats per point (default 3; 1 for the 1M-span cassandra point, 1 for every point with "
                        "--quick)")
    p.add_argument("--env", action="append", default=[],
                   help="BACKEND.VAR=value: an environment variable of a backend script (repeatable), e.g. "
                        "--env cassandra.SPANS=200000")
    p.add_argument("--duration", type=int, default=30)
    # 30 s: with 5 s, the first 20-25 measured seconds were the JIT's ramp (OTLP gRPC rose from ~120k to ~400k spans/s
    # within the measured window, docs/benchmarks.md session 9), so the figure was neither warm-up nor steady state
    p.add_argument("--warmup", type=int, default=30,
                   help="seconds of full-speed load before the measured window of the ingest points")
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
                   help="keep a JFR profile of every server of ours and write the top three hot paths of each point "
                        "to docs/profiles/<point>.txt (under --out with --no-docs), linked from its block")
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
    p.add_argument("--no-docs", action="store_true", help="print the tables only")
    p.add_argument("--docs", default=DOCS, help="the file whose generated blocks are rewritten (default "
                                                "docs/benchmarks.md; its profiles go to profiles/ beside it); "
                                                "with --quick, only an explicit --docs is written")
    p.add_argument("--java", default="java")
    p.add_argument("--out", default=os.path.join(ROOT, "target", "bench"))
    p.add_argument("--quick", action="store_true",
                   help="a short check of the method: 1 repeat, 5 s measured, 200k stored spans, fewer queries, small "
                        "backend runs (see --list --quick); no jmh unless named; implies --no-docs unless --docs is "
                        "given (its figures are not the headline figures)")
    args = p.parse_args(argv)
    args.repeats_set = args.repeats is not None
    if not args.repeats_set:
        args.repeats = 3
    if args.points == ["all"] or not args.points:
        args.points = [x for x in ALL_POINTS if not (args.quick and x == "jmh")]
    if args.quick:
        if not args.repeats_set:
            args.repeats = 1
        args.duration, args.warmup = 5, 2
        args.stored_spans, args.trace_queries, args.search_queries = 200_000, 100, 20
        args.no_docs = args.no_docs or args.docs == DOCS
    try:
        steps = plan(args)
    except BenchError as e:
        sys.exit(str(e))
    if args.list:
        total = 0.0
        print("| point | repeats | minutes (idle, all repeats) | settings |\n|---|---|---|---|")
        for point, reps, minutes, settings in steps:
            total += reps * minutes
            print("| `%s` | %d | %.1f | %s |" % (point, reps, reps * minutes, settings))
        print("\nabout %.0f minutes in all on an idle 2-core machine" % total)
        return
    if args.build:
        build(args)
    os.makedirs(args.out, exist_ok=True)
    texts, failed = {}, []
    for point, reps, _, _ in steps:
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        load = " ".join(open("/proc/loadavg").read().split()[:3])
        try:
            if point == "jmh":
                body = run_jmh(args)
                jmh_rows = parse_tables(body)[0][1] if parse_tables(body) else []
                first = "run %s UTC by `%s` (load average %s at the start): %s" % (
                    started, command_line(), load,
                    "; ".join("%s %s, **%s B/op**" % (r[0], r[1], r[2]) for r in jmh_rows) or "no results")
                texts[point] = first + "\n\n" + body
            elif point in BACKENDS:
                b = BACKENDS[point]
                runs = [run_backend(args, b, rep) for rep in range(1, reps + 1)]
                if len({len(r) for r in runs}) != 1:
                    raise BenchError("the repeats of %s printed %s tables" % (b.script, " and ".join(
                        sorted({str(len(r)) for r in runs}))))
                tables = [median_table([r[k] for r in runs], LOSS_COLUMNS) for k in range(len(runs[0]))]
                headers, rows = tables[0]
                first = "run %s UTC by `%s` (load average %s at the start): %s" % (
                    started, command_line(), load,
                    tables_headline(b, tables) if b.headline else line_headline(b, rows))
                texts[point] = "%s\n\n%s %s\n\n%s\n%s" % (first, b.what[0].upper() + b.what[1:] + ".",
                                                          backend_settings(args, b, reps),
                                                          "\n\n".join(render_table(h, r) for h, r in tables),
                                                          keep_profile(args, point))
            else:
                args_reps, args.repeats = args.repeats, reps
                runs = []
                for rep in range(1, reps + 1):
                    r = run_memory_point(args, point, rep)
                    print("%s #%d: %s" % (point, rep, ", ".join("%s %s" % (k, fmt(v)) for k, v in r.items())),
                          flush=True)
                    runs.append(r)
                headers, rows = memory_table(runs)
                hl = MEMORY_HEADLINE["ingest" if point.startswith("ingest-") else point]
                first = "run %s UTC by `%s` (load average %s at the start): %s" % (
                    started, command_line(), load, headline(headers, rows[0], hl))
                texts[point] = "%s\n\n%s\n\n%s\n%s" % (first, settings_line(args),
                                                       render_table(["point"] + headers, [["`%s`" % point] + rows[0]]),
                                                       keep_profile(args, point))
                args.repeats = args_reps
        except BenchError as e:
            print("%s FAILED: %s" % (point, e), flush=True)
            failed.append(point)
            continue
        print("\n" + texts[point], flush=True)
        if not args.no_docs:
            write_docs({point: texts[point]}, args.docs)  # after every point: a later failure keeps what was measured
            print("written to %s (block %s)" % (args.docs, point), flush=True)
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()
