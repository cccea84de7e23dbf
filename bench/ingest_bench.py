#!/usr/bin/env python3
"""Ingest over loopback: `weave serve` takes batched NDJSON from concurrent clients.

usage: ingest_bench.py WEAVE_BINARY [--events N] [--batch LINES] [--clients C] [--runs R]
                       [--no-sync] [--work DIR]

A `weave gen` log is cut into batches before the clock starts; C client threads post them on
persistent connections, each batch exactly once (no duplicates), and the figure is events
acknowledged (202, durable unless --no-sync) per second of wall time. Then the time from a POST
to its divergence arriving on the server-sent-event stream is sampled 50 times.
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "serve"))
from serve_support import EventStream, Server  # noqa: E402


def post_all(server, batches, clients):
    next_batch = [0]
    lock = threading.Lock()
    errors = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        while True:
            with lock:
                if next_batch[0] >= len(batches):
                    break
                batch = batches[next_batch[0]]
                next_batch[0] += 1
            connection.request("POST", "/v1/events", body=batch,
                               headers={"Content-Type": "application/x-ndjson"})
            response = connection.getresponse()
            response.read()
            if response.status != 202:
                errors.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, errors


def detection_samples(server, count):
    stream = EventStream(server)
    time.sleep(0.2)
    samples = []
    for i in range(count):
        listing = "LAT-%d" % i
        line = json.dumps({"id": "lat-%d" % i, "ts": "2026-11-28T00:00:00Z", "type": "channel.level",
                           "channel": "probe", "listing": listing, "qty": 1}) + "\n"
        sent = time.perf_counter()
        server.post_events(line)
        arrived, _ = stream.wait_for(listing, timeout=5)
        if arrived is not None:
            samples.append((arrived - sent) * 1000)
    stream.close()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--events", type=int, default=1000000)
    parser.add_argument("--batch", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sync", action="store_true")
    parser.add_argument("--work", default="/tmp/weave-ingest-bench")
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    log = os.path.join(args.work, "gen-%d.ndjson" % args.events)
    if not os.path.exists(log):
        subprocess.run([args.binary, "gen", "--seed", "3", "--skus", "10000", "--events",
                        str(args.events), "--out", log], check=True, capture_output=True)
    with open(log, "rb") as f:
        lines = f.readlines()
    batches = [b"".join(lines[i:i + args.batch]) for i in range(0, len(lines), args.batch)]
    total_bytes = sum(len(b) for b in batches)
    rates = []
    for run in range(args.runs):
        data = os.path.join(args.work, "data")
        shutil.rmtree(data, ignore_errors=True)
        extra = ["--no-clock"] + (["--no-sync"] if args.no_sync else [])
        server = Server(args.binary, data, extra).start()
        try:
            wall, errors = post_all(server, batches, args.clients)
            status, report = server.get_json("/v1/report")
            if errors or report["events_read"] != len(lines):
                print("run %d: errors %s, events read %s of %d" % (run, errors[:5], report["events_read"], len(lines)))
                return 1
            rate = len(lines) / wall
            rates.append(rate)
            print("run %d: %d events in %d batches of %d, %d clients, %.3f s = %.0f events/s, %.0f MB/s%s"
                  % (run + 1, len(lines), len(batches), args.batch, args.clients, wall, rate,
                     total_bytes / wall / 1e6, " (no fdatasync)" if args.no_sync else ""))
            if run == args.runs - 1:
                samples = sorted(detection_samples(server, 50))
                if samples:
                    print("POST -> divergence on the SSE stream, %d samples: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
                          % (len(samples), samples[len(samples) // 2],
                             samples[min(len(samples) - 1, int(len(samples) * 0.99))], samples[-1]))
        finally:
            server.stop()
    print("median of %d runs: %.0f events/s" % (len(rates), statistics.median(rates)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
