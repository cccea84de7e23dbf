#!/usr/bin/env python3
"""HTTP API of `weave serve`, against a real server process on a loopback port.

usage: serve_api_test.py WEAVE_BINARY WORK_DIR
Every answer is checked, and the live report and state are compared byte for byte with
`weave replay` of the same lines.
"""
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Checks, EventStream, Server, event, free_port  # noqa: E402



check = Checks()


def replay(binary, lines, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    log = os.path.join(out_dir, "posted.ndjson")
    with open(log, "w") as f:
        f.write(lines)
    subprocess.run([binary, "replay", log, "--out", out_dir, "--quiet"], check=True)
    with open(os.path.join(out_dir, "report.json")) as f:
        report = f.read()
    with open(os.path.join(out_dir, "state.ndjson")) as f:
        state = f.read()
    return report[:report.index(',"timing":')], state


def body_of_report(raw):
    text = raw.decode()
    return text[:text.index(',"timing":')]


def main(binary, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    config = os.path.join(work, "weave.toml")
    with open(config, "w") as f:
        f.write('[limits]\nbody_max_bytes = 65536\n[clock]\nenabled = false\n')
    server = Server(binary, os.path.join(work, "data"), ["--config", config]).start()
    posted = ""
    try:
        status, body = server.get_json("/healthz")
        check(status == 200 and body == {"status": "ok"}, "healthz answers ok")
        status, _, page = server.request("GET", "/")
        check(status == 200 and b"<html" in page.lower(), "the dashboard page is served at /")

        setup = (event(1, "10:00:00", type="sku", sku="S1", **{"class": "A"}) +
                 event(2, "10:00:00", type="listing", channel="amazon", listing="A-S1", sku="S1") +
                 event(3, "10:00:01", type="receipt", sku="S1", loc="W1", qty=10) +
                 event(4, "10:00:02", type="channel.level", channel="amazon", listing="A-S1", qty=10))
        status, body = server.post_events(setup)
        posted += setup
        check(status == 202 and body["accepted"] == 4 and body["rejected"] == 0,
              "a good batch is accepted: %s %s" % (status, body))
        status, body = server.post_events(setup)
        posted += setup
        check(status == 202 and body["duplicates"] == 4 and body["accepted"] == 0,
              "a repeated batch is all duplicates: %s" % body)

        mixed = (event(5, "10:00:03", type="order", order="O1", sku="S1", channel="amazon", qty=2, loc="W1") +
                 "{not json\n" +
                 event(6, "10:00:04", type="receipt", sku="NOPE", loc="W1", qty=1) +
                 "\n" +
                 event(7, "10:00:05", type="receipt", sku="S1", loc="W1"))
        status, body = server.post_events(mixed)
        posted += mixed
        check(status == 202 and body["accepted"] == 1 and body["rejected"] == 3,
              "a mixed batch: %s" % body)
        check(body and body["rejects"] == [{"line": 2, "reason": "malformed_json"},
                                           {"line": 3, "reason": "unknown_sku"},
                                           {"line": 5, "reason": "missing_field:qty"}],
              "rejects carry their line in the batch and the reason: %s" % (body and body["rejects"]))

        status, body = server.post_events(setup, headers={"Content-Type": "image/png"})
        check(status == 415 and body["status"] == 415, "a wrong content type is 415")
        status, body = server.post_events("")
        check(status == 400, "an empty body is 400")
        status, body = server.post_events("garbage\n{{{\n")
        check(status == 400 and "error" in body, "a body with no JSON line is 400: %s" % body)
        status, body = server.post_events("x" * 70000 + "\n")
        check(status == 413, "a body over the limit is 413 (got %s)" % status)
        status, body = server.get_json("/v1/nowhere")
        check(status == 404 and body["status"] == 404, "an unknown endpoint is a JSON 404")

        status, sku = server.get_json("/v1/skus/S1")
        check(status == 200 and sku["stock"][0]["on_hand"] == 10 and sku["stock"][0]["reserved"] == 2,
              "the SKU endpoint shows stock and reservations: %s" % sku)
        check(sku and sku["listings"][0]["listing"] == "A-S1" and sku["listings"][0]["expected"] == 8,
              "the SKU endpoint shows expected per listing: %s" % sku)
        status, _ = server.get_json("/v1/skus/NOPE")
        check(status == 404, "an unknown SKU is 404")

        stream = EventStream(server)
        check(stream.status == 200, "the stream answers 200")
        time.sleep(0.2)
        unmapped = event(8, "10:00:06", type="channel.level", channel="ebay", listing="EB-GHOST", qty=3)
        sent_at = time.perf_counter()
        status, body = server.post_events(unmapped)
        posted += unmapped
        check(status == 202 and body["accepted"] == 1, "an unmapped listing's level is accepted")
        arrived_at, record = stream.wait_for("EB-GHOST")
        check(record is not None and record["event"] == "open" and record["cause"] == "unmapped_listing",
              "the stream carries the divergence: %s" % record)
        if arrived_at:
            print("POST to its divergence on the stream: %.2f ms" % ((arrived_at - sent_at) * 1000))
        stream.close()

        status, body = server.get_json("/v1/divergences?open=true")
        listings = [d["listing"] for d in body["divergences"]]
        check(status == 200 and "EB-GHOST" in listings, "open divergences list it: %s" % body)
        status, body = server.get_json("/v1/divergences?open=true&layer=identity&channel=ebay")
        check(len(body["divergences"]) == 1, "filters by layer and channel keep it")
        status, body = server.get_json("/v1/divergences?layer=ledger")
        check(body["divergences"] == [], "filters drop other layers")
        status, body = server.get_json("/v1/divergences?layer=bogus")
        check(status == 400, "an unknown layer is 400")
        status, body = server.get_json("/v1/divergences?layer=bo%0Ag%22us")
        check(status == 400 and "bo\ng\"us" in body["error"],
              "an error quoting the request is valid JSON, control bytes escaped: %s" % body)

        status, _, raw = server.request("GET", "/v1/report")
        check(status == 200 and b'"timing":{"wall_s":' in raw, "the report has its timing")
        report_live = body_of_report(raw)
        status, _, state_live = server.request("GET", "/v1/state")
        report_replay, state_replay = replay(binary, posted, os.path.join(work, "replay1"))
        check(report_live == report_replay, "the live report equals a replay of the posted lines\n%s\n%s"
              % (report_live, report_replay))
        check(state_live.decode() == state_replay, "the live state equals a replay of the posted lines")

        status, _, metrics = server.request("GET", "/metrics")
        text = metrics.decode()
        check('weave_events_total{outcome="applied"} 6' in text, "metrics count applied events")
        check('weave_rejects_total{reason="malformed_json"} 1' in text, "metrics count rejects by reason")
        check('weave_divergences_opened_total{layer="identity",cause="unmapped_listing"} 1' in text,
              "metrics count divergences by layer and cause")
        check('weave_divergences_open{layer="identity",channel="ebay"} 1' in text,
              "metrics gauge open divergences by layer and channel")
        check("weave_detection_latency_seconds_bucket" in text and "weave_publish_lag_milliseconds_count" in text
              and "weave_ingest_queue_depth" in text, "metrics have the histograms and the queue depth")

        # Bad HTTP never takes the server down: garbage bytes, a broken request line, a header
        # flood, a body shorter than its Content-Length, a connection dropped mid-body.
        import random
        import socket
        rng = random.Random(5)
        attacks = [bytes(rng.randrange(256) for _ in range(2000)),
                   b"GARBAGE / HTTP/9.9\r\n\r\n",
                   b"POST /v1/events HTTP/1.1\r\n" + b"X-A: b\r\n" * 20000 + b"\r\n",
                   b"POST /v1/events HTTP/1.1\r\nContent-Type: application/x-ndjson\r\n"
                   b"Content-Length: 100000\r\n\r\n{\"id\":",
                   b"POST /v1/events HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                   b"GET /v1/skus/%ff%fe%00 HTTP/1.1\r\n\r\n"]
        for attack in attacks:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
                try:
                    raw.sendall(attack)
                    raw.shutdown(socket.SHUT_WR)
                    raw.recv(4096)
                except OSError:
                    pass
        status, body = server.get_json("/healthz")
        check(status == 200, "the server survives malformed HTTP")
        status, body = server.post_events(event(90, "10:00:07", type="sku", sku="S1"))
        check(status == 202 and body["duplicates"] == 0 and body["rejected"] == 0,
              "and still takes batches after it: %s" % body)
        posted += event(90, "10:00:07", type="sku", sku="S1")
        status, _, raw_report = server.request("GET", "/v1/report")
        report_replay, state_replay = replay(binary, posted, os.path.join(work, "replay2"))
        check(body_of_report(raw_report) == report_replay, "the report still equals the replay")

        # A clean stop snapshots; a restart comes back in the same state.
        check(server.stop() == 0, "SIGTERM stops the server with status 0")
        check(any(name.endswith(".wsnap") for name in os.listdir(os.path.join(work, "data"))),
              "a snapshot is written at shutdown")
        server = Server(binary, os.path.join(work, "data"), ["--config", config]).start()
        status, _, raw = server.request("GET", "/v1/report")
        check(body_of_report(raw) == report_replay, "after a restart the report is the same")
        status, _, state_after = server.request("GET", "/v1/state")
        check(state_after.decode() == state_replay, "after a restart the state is the same")
        status, body = server.post_events(setup)
        check(body["duplicates"] == 4, "ids stay taken across a restart")
    finally:
        server.stop()

    # Back-pressure: one batch in flight at a time, many posted at once.
    with open(config, "w") as f:
        f.write('[limits]\ninflight_batches_max = 1\n[clock]\nenabled = false\n')
    server = Server(binary, os.path.join(work, "busy"), ["--config", config]).start()
    try:
        def post(n):
            lines = "".join(event(100000 * (n + 1) + i, "11:00:00", type="sku", sku="P%d" % i)
                            for i in range(5000))
            return server.post_events(lines)[0]

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(post, range(32)))
        check(429 in results, "a full ingest queue answers 429 (statuses %s)" % sorted(set(results)))
        check(set(results) <= {202, 429}, "only 202 and 429 under load: %s" % sorted(set(results)))
        status, _, metrics = server.request("GET", "/metrics")
        accepted = results.count(202) * 5000
        check(('weave_events_total{outcome="applied"} %d' % accepted) in metrics.decode(),
              "a refused batch is not applied")
    finally:
        server.stop()

    # A token guards everything but health; loopback-only without one.
    token_file = os.path.join(work, "token")
    with open(token_file, "w") as f:
        f.write("s3cret-token-0123456789\n")
    server = Server(binary, os.path.join(work, "guarded"), ["--token-file", token_file]).start()
    try:
        status, body = server.post_events(setup)
        check(status == 401 and body["status"] == 401, "no token is 401")
        status, body = server.post_events(setup, headers={"Authorization": "Bearer wrong-token-0123456789"})
        check(status == 401, "a wrong token is 401")
        status, body = server.post_events(setup, headers={"Authorization": "Bearer s3cret-token-0123456789"})
        check(status == 202, "the right token is accepted")
        status, _ = server.get_json("/v1/report?token=s3cret-token-0123456789")
        check(status == 200, "the token may be given as a query parameter")
        status, _ = server.get_json("/metrics")
        check(status == 401, "metrics need the token too")
        status, _ = server.get_json("/healthz")
        check(status == 200, "health needs no token")
    finally:
        server.stop()
    refused = subprocess.run([binary, "serve", "--listen", "0.0.0.0:%d" % free_port(),
                              "--data-dir", os.path.join(work, "open")],
                             capture_output=True, timeout=30)
    check(refused.returncode == 2 and b"token" in refused.stderr,
          "listening beyond loopback without a token is refused")

    return check.finish(work, "serve API")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
