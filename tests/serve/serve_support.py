"""Starting and talking to a real `weave serve` process on a loopback port (tests only)."""
import http.client
import json
import os
import socket
import subprocess
import threading
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data_dir, extra=(), port=None):
        self.binary = binary
        self.data_dir = data_dir
        self.extra = list(extra)
        self.port = port or free_port()
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(data_dir.rstrip("/")) or ".",
                                     "serve-%d.log" % self.port)

    def start(self, wait=True):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
             "--data-dir", self.data_dir] + self.extra,
            stdout=self.log, stderr=self.log)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("weave serve exited with %d:\n%s" % (self.proc.returncode, self.stderr()))
            try:
                status, _, _ = self.request("GET", "/readyz", timeout=1)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError("weave serve not ready after %ds:\n%s" % (timeout, self.stderr()))

    def stderr(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def post_events(self, ndjson, headers=None, timeout=30):
        all_headers = {"Content-Type": "application/x-ndjson"}
        all_headers.update(headers or {})
        status, response_headers, body = self.request("POST", "/v1/events", ndjson.encode()
                                                      if isinstance(ndjson, str) else ndjson,
                                                      all_headers, timeout)
        return status, (json.loads(body) if body else None)

    def get_json(self, path, headers=None):
        status, _, body = self.request("GET", path, headers=headers)
        return status, json.loads(body) if body else None


class EventStream:
    """Reads /v1/divergences/stream in a thread: (arrival time, record) for every divergence."""

    def __init__(self, server, query=""):
        self.events = []
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.connection.request("GET", "/v1/divergences/stream" + query)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        kind = None
        while True:
            try:
                line = self.response.fp.readline()
            except (AttributeError, OSError, ValueError):
                return  # closed, or the server stopped
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "divergence":
                self.events.append((time.perf_counter(), json.loads(line[6:])))

    def wait_for(self, listing, timeout=10):
        """(arrival time, record) of the first record for `listing`, or (None, None)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for at, record in list(self.events):
                if record.get("listing") == listing:
                    return at, record
            time.sleep(0.0001)
        return None, None

    def close(self):
        self.connection.close()


class Checks:
    """check(condition, what) records a failure and goes on; finish() adds any sanitizer report
    in the server logs of `work` and gives the exit status."""

    def __init__(self):
        self.failures = []

    def __call__(self, condition, what):
        if not condition:
            self.failures.append(what)
            print("FAIL:", what, flush=True)

    def finish(self, work, name):
        for report in sanitizer_reports(work):
            self(False, "sanitizer report in a server log: " + report)
        if self.failures:
            print("%d failure(s)" % len(self.failures))
            return 1
        print("%s: all checks passed" % name)
        return 0


def sanitizer_reports(work):
    """Sanitizer reports in the server logs of a test's work directory (the servers run the
    sanitizer builds' binary in CI): a race or a leak at shutdown must fail the test too."""
    found = []
    for name in sorted(os.listdir(work)):
        if name.startswith("serve-") and name.endswith(".log"):
            with open(os.path.join(work, name), "rb") as f:
                text = f.read().decode("utf-8", "replace")
            for marker in ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                           "ERROR: LeakSanitizer", "runtime error:"):
                if marker in text:
                    found.append("%s: %s" % (name, marker))
    return found


def event(n, ts, **fields):
    record = {"id": "e%d" % n, "ts": "2026-11-27T%sZ" % ts}
    record.update(fields)
    return json.dumps(record, separators=(",", ":")) + "\n"
