#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Unit tests of scripts/bench.py's table reading, medians and docs blocks (no server is started).

Run: python3 -m unittest discover -s scripts -p 'test_bench.py'   (about 0.1 s)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

OPENSEARCH_OUT = """OpenSearch 2.19.1 on :40000 (heap 1g), all-in-one heap 1g, 2 cores, load average before: 0.1 0.2 0.3

| profile | mode | offered spans/s | accepted spans/s | 503 answers | dropped after ack | missing acked traces | refused spans | wait (worker-s) | bulks | actions/bulk | bytes/action | bulk KB/s | our CPU µs/span | OpenSearch CPU µs/span | other load (cores) |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| tuned | stored | 5000 | 4998 | 0 | 0 | 0/200 | 0 | 1 | 100 | 500 | 700 | 3000 | 60 | 400 | 0.10 |
| tuned | stored | max (64 in flight) | %s | 12 | 0 | %s/200 | 0 | 3 | 200 | 900 | 700 | 9000 | %s | 310 | 0.20 |

load average after: 1.0 1.1 1.2
"""


def os_run(accepted, missing, cpu):
    return OPENSEARCH_OUT % (accepted, missing, cpu)


class ParseTest(unittest.TestCase):
    def test_tables_are_read_by_header_and_the_point_row_is_picked(self):
        headers, rows = bench.select_table(bench.BACKENDS["opensearch"], os_run(9000, 0, 45))
        self.assertEqual(1, len(rows))
        self.assertEqual("9000", rows[0][headers.index("accepted spans/s")])
        self.assertEqual("max (64 in flight)", rows[0][headers.index("offered spans/s")])

    def test_a_missing_column_fails_naming_it_and_the_headers_seen(self):
        text = os_run(9000, 0, 45).replace("OpenSearch CPU µs/span", "their CPU")
        with self.assertRaises(bench.BenchError) as e:
            bench.select_table(bench.BACKENDS["opensearch"], text)
        self.assertIn("OpenSearch CPU µs/span", str(e.exception))
        self.assertIn("their CPU", str(e.exception))

    def test_no_table_at_all_is_an_error(self):
        with self.assertRaises(bench.BenchError) as e:
            bench.select_table(bench.BACKENDS["opensearch"], "nothing here\n")
        self.assertIn("no markdown table", str(e.exception))

    def test_columns_added_at_the_end_are_kept(self):
        text = ("| write spans/s | getTrace p50 / p99 ms | search p50 / p99 ms | new |\n|---|---|---|---|\n"
                "| 5,000 | 1.0 / 9.0 | 3 / 30 | 7 |\n")
        headers, rows = bench.select_table(bench.BACKENDS["cassandra"], text)
        self.assertEqual(["write spans/s", "getTrace p50 / p99 ms", "search p50 / p99 ms", "new"], headers)
        self.assertEqual(["5,000", "1.0 / 9.0", "3 / 30", "7"], rows[0])

    def test_the_table_with_the_required_columns_is_chosen_among_several(self):
        text = ("| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                "| in process spans/s | B/A spans/s | trace by ID p99 ratio | search p99 ratio |\n|---|---|---|---|\n"
                "| 270,000 | 0.52 | 1.8 | 1.9 |\n")
        headers, rows = bench.select_table(bench.BACKENDS["remote"], text)
        self.assertEqual("0.52", rows[0][headers.index("B/A spans/s")])

    def test_the_most_specific_pattern_decides_the_headline_column(self):
        headers = ["in process spans/s", "through the hop spans/s", "B/A spans/s", "search p99 ms A / B",
                   "search p99 ratio"]
        b = bench.BACKENDS["remote"]
        self.assertEqual(2, bench.column(headers, b.required["B/A spans/s"]))
        self.assertEqual(4, bench.column(headers, b.required["search p99"]))
        self.assertEqual("B/A spans/s **0.5**", bench.headline(headers, ["1", "2", "0.5", "3 / 6", "2.0"],
                                                                ["B/A spans/s"], b.required))

    def test_figure_lines_of_a_script_without_a_table(self):
        text = "load average: 1 2 3\nTrace page cost: 40 MB, 32 ms\nnoise\nUI e2e: first paint 750 ms\n"
        headers, rows = bench.select_table(bench.BACKENDS["ui"], text)
        self.assertEqual([["Trace page cost: 40 MB, 32 ms"], ["UI e2e: first paint 750 ms"]], rows)

    def test_cassandra_through_the_binary_two_profiles(self):
        text = ("Cassandra 5.0.4 on :1 (heap 1g, single node)\n\n"
                "| profile | spans | accepted spans/s | 503 answers | dropped after ack | missing acked traces | "
                "rows/span | partitions/span | requests/span | our CPU µs/span | Cassandra CPU µs/span | "
                "other load (cores) | getTrace p50 ms | getTrace p99 ms | search p50 ms | search p99 ms |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
                "| default | 1000000 | 6100 | 3 | 0 | 0/200 | 12.00 | 3.00 | 0.10 | 90 | 700 | 0.10 | 2.1 | 9.5 "
                "| 30 | 80 |\n"
                "| recommended | 1000000 | 8800 | 0 | 0 | 0/200 | 8.00 | 3.00 | 0.08 | 70 | 450 | 0.10 | 2.0 | 9.1 "
                "| 28 | 70 |\n")
        b = bench.BACKENDS["cassandra"]
        headers, rows = bench.select_table(b, text)
        line = bench.rows_headline(b, headers, rows)
        self.assertIn("default: accepted spans/s **6100**; missing acked traces **0/200**; our CPU µs/span **90**; "
                      "Cassandra CPU µs/span **700**; getTrace p99 ms **9.5**; search p99 ms **80**", line)
        self.assertIn("recommended: accepted spans/s **8800**", line)

    def test_required_columns_spread_over_one_table_per_phase(self):
        text = ("Phase 1\n\n| repeat | collector -> Kafka spans/s | collector CPU µs/span |\n|---|---|---|\n"
                "| 1 | 150,000 | 5.5 |\n\nPhase 2\n\n| ingester -> storage spans/s | lag peak |\n|---|---|\n"
                "| 200,000 | 3,000,000 |\n")
        b = bench.BACKENDS["kafka"]
        tables = bench.select_tables(b, text)
        self.assertEqual(2, len(tables))
        line = bench.tables_headline(b, tables)
        self.assertEqual("collector -> Kafka spans/s **150,000**; collector CPU µs/span **5.5**; "
                         "ingester -> storage spans/s **200,000**", line)
        with self.assertRaises(bench.BenchError) as e:
            bench.select_tables(b, text.replace("ingester -> storage", "consumer"))
        self.assertIn("ingester spans/s", str(e.exception))

    def test_one_table_with_every_required_column_is_kept_alone(self):
        text = "| x |\n|---|\n| 1 |\n\n" + os_run(9000, 0, 45)
        self.assertEqual(1, len(bench.select_tables(bench.BACKENDS["opensearch"], text)))

    def test_zipkin_ab_rows_in_the_index_are_the_chosen_measures(self):
        text = ("| measure                                  |      jaegerj |       zipkin | ours/zipkin |\n"
                "|------------------------------------------|--------------|--------------|-------------|\n"
                "| ingest spans/s (higher is better)        |     44990.33 |     10612.68 |        4.24 |\n"
                "| rejected requests (429/503)              |         0.00 |         0.00 |         nan |\n"
                "| search p99 ms                            |        11.45 |       167.85 |        0.07 |\n")
        b = bench.BACKENDS["zipkin"]
        line = bench.tables_headline(b, bench.select_tables(b, text))
        self.assertEqual("ingest spans/s (higher is better): jaegerj **44990.33**; zipkin **10612.68**; "
                         "ours/zipkin **4.24**; search p99 ms: jaegerj **11.45**; zipkin **167.85**; "
                         "ours/zipkin **0.07**", line)

    def test_the_ui_headline_comes_from_its_figure_lines(self):
        text = ("UI e2e: 50,000-span trace (load average 1.75): first paint 799 ms after navigation start; whole "
                "timeline painted 2917 ms\nUI SA layout: 10 services, 27 links: 8 crossings, 0 curves\n")
        headers, rows = bench.select_table(bench.BACKENDS["ui"], text)
        line = bench.line_headline(bench.BACKENDS["ui"], rows)
        self.assertIn("first paint **799 ms**", line)
        self.assertIn("SA layout crossings **8**", line)
        self.assertIn("scroll frame p99: not printed", line)

    def test_legacy_kafka_output(self):
        text = ("RESULT protocol=otlp-http seconds=20.000 spans_per_sec=134082.000 min_1s_spans=90000 "
                "rejected_requests=3\nCPU per span acknowledged by Kafka (2681640 spans): collector 5.50 us, "
                "broker 2.10 us\ncollector -> Kafka (producer acks), busiest sample interval: 150000 spans/s\n"
                "ingester -> storage (messages consumed), busiest sample interval: 200000 spans/s\n")
        headers, rows = bench.select_table(bench.BACKENDS["kafka"], text)
        row = dict(zip(headers, rows[0]))
        self.assertEqual("134,082", row["collector -> Kafka spans/s (acknowledged, loadgen)"])
        self.assertEqual("200,000", row["ingester -> storage spans/s (busiest 5 s)"])
        self.assertEqual("5.50", row["collector CPU µs/span"])

    def test_remote_script_prints_the_medians_of_its_repeats_as_a_table(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "results.txt"), "w") as f:
                for a, b, sa, sb in [(270000, 90000, 10, 30), (280000, 80000, 11, 25), (100000, 85000, 12, 24)]:
                    f.write("A RESULT spans_per_sec=%d trace_p99_ms=4.0 search_p99_ms=%d\n" % (a, sa))
                    f.write("B RESULT spans_per_sec=%d trace_p99_ms=8.0 search_p99_ms=%d\n" % (b, sb))
            with open(os.path.join(d, "cpu.txt"), "w") as f:
                f.write("A cpu_us_per_span all-in-one=7.0\nA cpu_us_per_span all-in-one=9.0\n"
                        "B cpu_us_per_span collector=12.0\nB cpu_us_per_span remote-storage=11.0\n")
            out = subprocess.run(["bash", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "bench-remote-storage.sh")],
                                 env=dict(os.environ, SUMMARY_ONLY="1", BENCH_DIR=d, REPEATS="3"),
                                 capture_output=True, text=True, check=True).stdout
        headers, rows = bench.select_table(bench.BACKENDS["remote"], out)
        row = dict(zip(headers, rows[0]))
        self.assertEqual("270,000", row["in process spans/s"])
        self.assertEqual("85,000", row["through the hop spans/s"])
        self.assertEqual("0.31", row["B/A spans/s"])
        self.assertEqual("2.27", row["search p99 ratio"])
        self.assertEqual("8.0", row["CPU µs/span in process"])
        self.assertEqual("12.0 + 11.0", row["CPU µs/span collector + remote-storage"])
        self.assertEqual("3", row["repeats"])

    def test_legacy_remote_output(self):
        text = ("== means (A = ..., B = ...); load\n"
                "spans_per_sec  A   276697.0  B    86279.0  B/A 0.31\n"
                "trace_p99_ms   A        6.8  B       13.4  B/A 1.97\n"
                "search_p99_ms  A       14.7  B       32.8  B/A 2.23\n"
                "== CPU µs per accepted span\nA all-in-one                 7.2\nB collector                 12.4\n"
                "B query                      0.5\nB remote-storage           12.4\n")
        headers, rows = bench.select_table(bench.BACKENDS["remote"], text)
        row = dict(zip(headers, rows[0]))
        self.assertEqual("0.31", row["B/A spans/s"])
        self.assertEqual("2.23", row["search p99 ratio"])
        self.assertEqual("12.4 + 12.4", row["CPU µs/span collector + remote-storage"])


class MedianTest(unittest.TestCase):
    def test_one_number_cells_get_the_median_and_the_range(self):
        self.assertEqual("4,000 (3,000–9,000)", bench.median_cell(["3,000", "9,000", "4,000"]))
        self.assertEqual("7.25 (7.20–8.00)", bench.median_cell(["7.2", "8.0", "7.25"]))
        self.assertEqual("5", bench.median_cell(["5", "5", "5"]))

    def test_each_number_of_a_compound_cell_gets_its_own_median(self):
        self.assertEqual("1.1 / 9.0", bench.median_cell(["1.0 / 9.0", "1.1 / 12.0", "2.0 / 3.0"]))
        self.assertEqual("0/200", bench.median_cell(["0/200", "1/200", "0/200"]))

    def test_label_numbers_are_kept_and_p50_is_not_a_number(self):
        self.assertEqual("max (64 in flight)", bench.median_cell(["max (64 in flight)"] * 3))
        self.assertEqual(("p50 {}", [3.0], [(False, 0)]), bench.template("p50 3"))

    def test_cells_that_differ_in_text_are_listed(self):
        self.assertEqual("yes; no", bench.median_cell(["yes", "no", "yes"]))

    def test_a_table_of_three_repeats(self):
        runs = [bench.select_table(bench.BACKENDS["opensearch"], os_run(a, m, c))
                for a, m, c in [(9000, 0, 45), (12000, 1, 50), (8000, 0, 44)]]
        headers, rows = bench.median_table(runs)
        row = dict(zip(headers, rows[0]))
        self.assertEqual("9000 (8000–12000)", row["accepted spans/s"])  # written as the script wrote it
        self.assertEqual("0/200", row["missing acked traces"])
        self.assertEqual("45 (44–50)", row["our CPU µs/span"])

    def test_losses_report_the_worst_repeat_not_the_median(self):
        runs = [bench.select_table(bench.BACKENDS["opensearch"], os_run(9000, m, 45)) for m in (0, 3, 0)]
        headers, rows = bench.median_table(runs, bench.LOSS_COLUMNS)
        self.assertEqual("3/200 (worst of 3)", dict(zip(headers, rows[0]))["missing acked traces"])
        self.assertEqual("9000", dict(zip(headers, rows[0]))["accepted spans/s"])

    def test_repeats_with_different_columns_fail(self):
        with self.assertRaises(bench.BenchError):
            bench.median_table([(["a"], [["1"]]), (["b"], [["1"]])])
        with self.assertRaises(bench.BenchError):
            bench.median_table([(["a"], [["1"]]), (["a"], [["1"], ["2"]])])


class DocsTest(unittest.TestCase):
    DOC = ("# Benchmarks\n\n## One method for the headline figures\n\ntext\n\n"
           "<!-- scripts/bench.py kafka: begin (generated, do not edit by hand) -->\nold\n"
           "<!-- scripts/bench.py kafka: end -->\n\n## Later history\n\nold figures\n")

    def test_a_block_is_replaced_and_nothing_else(self):
        doc = bench.replace_block(self.DOC, "kafka", "run today: new")
        self.assertIn("run today: new", doc)
        self.assertNotIn("\nold\n", doc)
        self.assertTrue(doc.endswith("## Later history\n\nold figures\n"))

    def test_a_missing_block_goes_to_the_end_of_the_one_method_section(self):
        doc = bench.replace_block(self.DOC, "remote", "run today: remote")
        self.assertLess(doc.index("run today: remote"), doc.index("## Later history"))
        self.assertGreater(doc.index("run today: remote"), doc.index("kafka: end"))

    def test_the_index_lists_every_point_with_the_first_line_of_its_block(self):
        doc = bench.replace_block(self.DOC, "kafka", "run today: 150,000 spans/s\n\ntable")
        index = bench.index_text(doc)
        self.assertIn("* `kafka`: run today: 150,000 spans/s", index)
        self.assertIn("* `cassandra`: not run yet", index)
        self.assertEqual(len(bench.ALL_POINTS), index.count("\n* "))

    def test_the_repository_docs_have_a_block_for_every_point_and_a_current_index(self):
        with open(bench.DOCS) as f:
            doc = f.read()
        self.assertEqual(set(bench.ALL_POINTS) | {bench.INDEX}, set(bench.blocks(doc)))
        self.assertEqual(doc, bench.replace_block(doc, bench.INDEX, bench.index_text(doc)))


if __name__ == "__main__":
    unittest.main()
