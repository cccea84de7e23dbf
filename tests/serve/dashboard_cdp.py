#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol for tests/serve/dashboard_test.sh.

Plain `chromium --headless --virtual-time-budget=N --dump-dom` cannot test this page: virtual time
stands still while a network fetch is pending, and the dashboard's EventSource is a fetch that never
ends, so the budget never runs out. This script talks to Chromium over --remote-debugging-pipe
(NUL-separated JSON on fds 3 and 4), with the standard library only, and:

  1. opens the dashboard and waits until #open-count > 0 and every --expect-open listing is a row
     of #open-rows (the snapshot from GET /v1/divergences?open=true);
  2. POSTs --late-events to /v1/events (a divergence that opens now) and waits until its listing
     is an li.div-event of #stream (the EventSource) and a row of #open-rows (the live update);
  3. waits for the report poll to fill the counters and the charts;
  4. writes OUT_DIR/dashboard.png (full page) and OUT_DIR/dashboard.dom.html.

Any uncaught JavaScript exception fails the run. Exit 0 on success, 1 with a message on failure.
"""
import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

STATE_JS = r"""(() => {
    const text = (id) => {
        const e = document.getElementById(id);
        return e ? e.textContent : null;
    };
    const canvasInk = (id) => {
        const c = document.getElementById(id);
        if (!c || !c.width || !c.height) { return 0; }
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i]) { n++; } }
        return n;
    };
    return JSON.stringify({
        open_count: text('open-count'),
        open_rows: Array.from(document.querySelectorAll('#open-rows tr[data-listing]'),
                              (r) => r.dataset.listing),
        stream: Array.from(document.querySelectorAll('#stream li.div-event'),
                           (li) => li.dataset.listing),
        matrix_rows: document.querySelectorAll('#matrix tbody tr').length,
        applied: text('c-applied'),
        health: text('health'),
        stream_state: text('stream-state'),
        auth: document.getElementById('auth-msg') && !document.getElementById('auth-msg').hidden
            ? text('auth-msg') : null,
        throughput_ink: canvasInk('throughput'),
        lag_ink: canvasInk('lag'),
    });
})()"""


class Failure(Exception):
    pass


class Browser:
    """One Chromium process and its DevTools pipe."""

    def __init__(self, chromium, width, height):
        self.profile = tempfile.mkdtemp(prefix="weave-dash-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():
            # Chromium reads commands on fd 3 and writes answers on fd 4. Copy both out of the
            # way first, so that neither dup2 overwrites the other's source.
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
                "--window-size=%d,%d" % (width, height), "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio",
                "--hide-scrollbars", "about:blank"]
        self.log = open(os.path.join(self.profile, "chromium.log"), "w+b")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, preexec_fn=child_fds, pass_fds=(3, 4),
                                     start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout_s=15):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout_s
        while True:
            for answer in self._read(deadline):
                if answer.get("id") == self.next_id:
                    if "error" in answer:
                        raise Failure("%s: %s" % (method, answer["error"]))
                    return answer.get("result", {})
                if "method" in answer:
                    self.events.append(answer)
            if time.monotonic() > deadline:
                raise Failure("no answer from Chromium to %s within %d s" % (method, timeout_s))

    def _read(self, deadline):
        wait = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([self.from_chrome], [], [], wait)
        if not ready:
            return []
        chunk = os.read(self.from_chrome, 1 << 20)
        if not chunk:
            raise Failure("Chromium closed the DevTools pipe (exit code %s)" % self.proc.poll())
        self.buffer += chunk
        *messages, self.buffer = self.buffer.split(b"\0")
        return [json.loads(m) for m in messages if m]

    def log_tail(self, lines=15):
        self.log.flush()
        self.log.seek(0)
        text = [line for line in self.log.read().decode(errors="replace").splitlines()
                if "dbus" not in line]   # a container has no D-Bus: noise, not the cause
        return "\n".join(text[-lines:])

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    os.write(self.to_chrome, json.dumps(
                        {"id": 0, "method": "Browser.close", "params": {}}).encode() + b"\0")
                    self.proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        finally:
            for fd in (self.to_chrome, self.from_chrome):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, width, height):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget",
                                    {"targetId": target, "flatten": True})["sessionId"]
        self.send("Runtime.enable")
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None, timeout_s=15):
        return self.b.send(method, params, self.session, timeout_s)

    def errors(self):
        out = []
        for e in self.b.events:
            if e.get("sessionId") != self.session:
                continue
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                ex = d.get("exception", {})
                out.append("uncaught exception: %s (line %s)" %
                           (ex.get("description") or d.get("text"), d.get("lineNumber")))
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append("console.error: %s" %
                           " ".join(str(a.get("value", a.get("description")))
                                    for a in p.get("args", [])))
        return out

    def evaluate(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise Failure("evaluate failed: %s" % r["exceptionDetails"].get("text"))
        return r["result"].get("value")

    def state(self):
        return json.loads(self.evaluate(STATE_JS))

    def wait_for(self, what, predicate, timeout_s):
        deadline = time.monotonic() + timeout_s
        state = None
        while time.monotonic() < deadline:
            state = self.state()
            errors = self.errors()
            if errors:
                raise Failure("JavaScript error in the page: " + "; ".join(errors))
            if predicate(state):
                return state
            time.sleep(0.2)
        raise Failure("timed out after %g s waiting for %s; page state: %s"
                      % (timeout_s, what, json.dumps(state)))

    def screenshot(self, path):
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.send("Page.captureScreenshot",
                         {"format": "png", "clip": clip, "captureBeyondViewport": True},
                         timeout_s=30)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def post_events(url, path):
    with open(path, "rb") as f:
        body = f.read()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-ndjson"})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except OSError as e:
        raise Failure("POST %s failed: %s" % (url, e))


def count(state):
    try:
        return int(state["open_count"])
    except (TypeError, ValueError):
        return -1


def run(a):
    browser = Browser(a.chromium, a.width, a.height)
    page = None
    try:
        page = Page(browser, a.width, a.height)
        page.send("Page.navigate", {"url": a.url})
        print("dashboard_cdp: opened %s" % a.url)

        state = page.wait_for(
            "#open-count > 0 and %s in #open-rows" % ", ".join(a.expect_open),
            lambda s: count(s) > 0 and all(l in s["open_rows"] for l in a.expect_open),
            a.timeout)
        before = count(state)
        print("dashboard_cdp: snapshot shown, #open-count = %d" % before)

        status, body = post_events(a.events_url, a.late_events)
        if status != 202:
            raise Failure("POST of the late events answered %d: %s" % (status, body))
        print("dashboard_cdp: late events posted: %s" % body.strip())
        state = page.wait_for(
            "%s in #stream (EventSource) and in #open-rows" % a.expect_late,
            lambda s: a.expect_late in s["stream"] and a.expect_late in s["open_rows"]
            and count(s) > before,
            a.timeout)
        print("dashboard_cdp: stream record shown, #open-count = %d" % count(state))

        state = page.wait_for(
            "the counters and both charts",
            lambda s: s["applied"] not in (None, "", "\u2014") and s["matrix_rows"] >= 6
            and s["throughput_ink"] > 0 and s["lag_ink"] > 0 and s["health"] == "ok",
            a.timeout)
        time.sleep(a.settle)   # a few more report polls, so the charts have lines to show
        html = page.evaluate("document.documentElement.outerHTML")
        with open(os.path.join(a.out_dir, "dashboard.dom.html"), "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html>\n" + html + "\n")
        page.screenshot(os.path.join(a.out_dir, "dashboard.png"))
        errors = page.errors()
        if errors:
            raise Failure("JavaScript error in the page: " + "; ".join(errors))
        print("dashboard_cdp: wrote dashboard.png and dashboard.dom.html; state: %s"
              % json.dumps(page.state()))
        return 0
    except Failure as e:
        if page is not None:
            try:
                page.screenshot(os.path.join(a.out_dir, "dashboard-failure.png"))
            except Exception:   # noqa: BLE001 - best effort; the real failure is raised below
                pass
        e.chromium_log = browser.log_tail()
        raise
    finally:
        browser.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--url", required=True, help="the dashboard, e.g. http://127.0.0.1:PORT/")
    ap.add_argument("--events-url", required=True, help="where to POST --late-events")
    ap.add_argument("--late-events", required=True, help="NDJSON file POSTed once the page is up")
    ap.add_argument("--expect-open", action="append", required=True,
                    help="a listing that must be a row of #open-rows at start (repeatable)")
    ap.add_argument("--expect-late", required=True,
                    help="the listing whose divergence --late-events opens")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--timeout", type=float, default=20, help="seconds per wait")
    ap.add_argument("--settle", type=float, default=3, help="seconds before the screenshot")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    a = ap.parse_args()
    # SIGTERM (from timeout(1) or the test's trap) unwinds through close() like an error does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("dashboard_cdp: terminated"))
    try:
        return run(a)
    except Failure as e:
        sys.stderr.write("dashboard_cdp: FAIL: %s\n" % e)
        log = getattr(e, "chromium_log", "")
        if log:
            sys.stderr.write("dashboard_cdp: Chromium's log (tail):\n%s\n" % log)
        return 1


if __name__ == "__main__":
    sys.exit(main())
