#!/usr/bin/env python3
"""No acknowledged event is ever lost: `weave serve` killed with SIGKILL at random moments.

usage: crash_recovery_test.py WEAVE_BINARY WORK_DIR [TRIALS]

Every fifth kill also leaves a torn write (garbage) at the log's end. A client posts the batches of a generated log one after another, retrying a batch until it is
acknowledged (202), while the server is killed with SIGKILL at random moments and restarted
(snapshots are taken every few batches, so recovery loads a snapshot and replays a log tail).
At the end the server's state must equal `weave replay` of every acknowledged batch, in the
order acknowledged: 0 events lost, 0 applied twice.
"""
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Server, sanitizer_reports  # noqa: E402


def tear_tail(data, rng):
    """A write torn by the crash: a partial record (garbage) at the end of the newest segment.
    Nothing acknowledged is touched; recovery must find it by checksum and cut it off."""
    segments = sorted(name for name in os.listdir(data) if name.startswith("wal-"))
    if segments:
        with open(os.path.join(data, segments[-1]), "ab") as f:
            f.write(bytes(rng.randrange(256) for _ in range(rng.randint(1, 120))))


def main(binary, work, trials):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "gen.ndjson")
    # About 14 batches per kill, posted with a short pause between them.
    subprocess.run([binary, "gen", "--seed", "11", "--skus", "300", "--events", str(3000 * trials),
                    "--out", log], check=True, capture_output=True)
    with open(log) as f:
        lines = f.readlines()
    rng = random.Random(trials)
    batches, at = [], 0
    while at < len(lines):
        size = rng.randint(50, 400)
        batches.append("".join(lines[at:at + size]))
        at += size
    config = os.path.join(work, "weave.toml")
    with open(config, "w") as f:
        f.write("[durability]\nsnapshot_every_batches = 9\nsnapshot_interval_s = 0\n"
                "[clock]\nenabled = false\n")
    data = os.path.join(work, "data")
    server = Server(binary, data, ["--config", config]).start()

    acked = []
    retries = [0]
    done = threading.Event()

    rng_client = random.Random(trials + 1)

    gave_up = []

    def client():
        try:
            post_all()
        except Exception as e:  # a test bug must fail the test, not hang it or pass silently
            gave_up.append("the client failed: %r" % e)
        done.set()

    def post_all():
        for batch in batches:
            stuck_since = time.time()
            while not gave_up:
                if time.time() - stuck_since > 60:
                    gave_up.append("no batch acknowledged for 60 s")
                    break
                try:
                    status, body = server.post_events(batch, timeout=10)
                except (OSError, http.client.HTTPException):
                    # No whole answer: the kill came before, during or after the 202 was
                    # written (IncompleteRead, RemoteDisconnected). The batch may be durable
                    # already; resending it is safe because event ids deduplicate.
                    status = None
                if status == 202:
                    acked.append(batch)
                    time.sleep(rng_client.uniform(0.005, 0.03))
                    break
                retries[0] += 1
                time.sleep(0.02)

    thread = threading.Thread(target=client)
    thread.start()
    kills = 0
    while kills < trials and not done.is_set() and not gave_up:
        time.sleep(rng.uniform(0.05, 0.4))
        if done.is_set():
            break
        if server.proc.poll() is not None:  # it died on its own: a failed recovery
            gave_up.append("the server exited by itself with %d" % server.proc.returncode)
            break
        server.kill()
        kills += 1
        if kills % 5 == 0:
            tear_tail(data, rng)
        server.start(wait=False)
    if gave_up and not done.is_set():
        done.set()
    thread.join()
    if gave_up:
        print("FAIL:", gave_up[0])
        print(server.stderr())
        server.kill()
        return 1
    server.wait_ready()
    status, _, report_raw = server.request("GET", "/v1/report")
    status, _, state_live = server.request("GET", "/v1/state")
    server.stop()
    with open(server.log_path, "rb") as f:
        server_log = f.read().decode("utf-8", "replace").splitlines()
    torn = [line for line in server_log if "torn tail" in line]
    loaded = [line for line in server_log if "loaded" in line]

    replay_dir = os.path.join(work, "replay")
    acked_log = os.path.join(work, "acked.ndjson")
    with open(acked_log, "w") as f:
        f.write("".join(acked))
    subprocess.run([binary, "replay", acked_log, "--out", replay_dir, "--quiet"], check=True)
    with open(os.path.join(replay_dir, "state.ndjson")) as f:
        state_replay = f.read()
    with open(os.path.join(replay_dir, "report.json")) as f:
        report_replay = json.load(f)
    report_live = json.loads(report_raw)

    print("%d batches acknowledged, %d kills (SIGKILL), %d retries" % (len(acked), kills, retries[0]))
    print("%d restarts loaded a snapshot; %d found a torn log tail and cut it" % (len(loaded), len(torn)))
    for line in torn[:3]:
        print("  server:", line)
    failures = []
    if len(acked) != len(batches):
        failures.append("not every batch was acknowledged")
    if state_live.decode() != state_replay:
        failures.append("the recovered state differs from a replay of the acknowledged batches")
    for key in ("applied", "applied_by_type", "watermark"):
        if report_live[key] != report_replay[key]:
            failures.append("%s: live %s, replay %s" % (key, report_live[key], report_replay[key]))
    failures += ["sanitizer report in a server log: " + r for r in sanitizer_reports(work)]
    if kills >= 5 and not torn:
        failures.append("no torn tail was reported after tearing one")
    if kills < min(trials, 3):
        failures.append("only %d kills happened" % kills)
    for failure in failures:
        print("FAIL:", failure)
    if not failures:
        print("crash recovery: state equals the replay of every acknowledged event "
              "(0 lost, 0 applied twice; applied %d)" % report_live["applied"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20))
