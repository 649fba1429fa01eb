"""Today is a live file: `tail -f` and `less +F` print an event ingested after they started,
within 5 s (the attribute TTL of today, 2 s, plus tail's 1 s poll), with no reopen, and leave
no session behind. Today's finished hours are page-cached like past days, and a late event
in one of them is still seen."""

import json
import os
import select
import shutil
import subprocess
import time
import uuid

from fixture import MountTestCase
from live_events import INGEST_LAG, event_in_hour, finished_hour, now_event

BOUND = 5.0  # seconds from ingest to the reader's screen


class LiveTodayTest(MountTestCase):
    WORLD = dict(spaces=1, days=2, events_per_day=400, seed=5, last_day=None)

    def today(self):
        return self.p(self.world.space_domains()[0].rel, "today.json")

    def ingest_now(self):
        tag = uuid.uuid4().hex[:12]
        self.assertEqual(self.world.client.ingest(self.world.space_domains()[0], now_event(tag)), 1)
        return tag, time.monotonic()

    def test_tail_f_prints_a_new_event(self):
        self.follow_with("-f")

    def test_tail_F_prints_a_new_event(self):
        self.follow_with("-F")

    def follow_with(self, flag):
        tail = subprocess.Popen(["tail", flag, self.today()], stdout=subprocess.PIPE)
        try:
            seen = b""
            time.sleep(1.5)  # tail has printed the last lines and is following
            tag, ingested = self.ingest_now()
            deadline = ingested + BOUND
            while tag.encode() not in seen:
                left = deadline - time.monotonic()
                self.assertGreater(left, 0, "tail %s printed nothing new within %s s" % (flag, BOUND))
                ready, _, _ = select.select([tail.stdout], [], [], left)
                if ready:
                    seen += os.read(tail.stdout.fileno(), 65536)
            print("tail %s latency %.2f s" % (flag, time.monotonic() - ingested))
        finally:
            tail.kill()
            tail.wait(timeout=10)
            tail.stdout.close()

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def bytes_out(self):
        with open(self.p(".atfs", "stats.json")) as f:
            return json.load(f)["bytes_out"]

    def eventually_read(self, path, tag, timeout=10.0):
        """The file's content once it holds tag (status TTL 2 s, attribute TTL 2 s)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                data = self.read(path)
                if tag.encode() in data:
                    return data
            except FileNotFoundError:
                data = b"(no file)"
            self.assertLess(time.monotonic(), deadline, "%s never showed %s:\n%r" % (path, tag, data[-300:]))
            time.sleep(0.2)

    def test_a_finished_hour_of_today_is_page_cached(self):
        found = finished_hour()
        if not found:
            self.skipTest("no hour of today is finished yet (the first %d min of the UTC day)" %
                          (60 + (INGEST_LAG + 60) // 60))
        day, hour = found
        domain = self.world.space_domains()[0]
        path = self.p(domain.rel, day.isoformat(), "%02d.json" % hour)
        first_tag = uuid.uuid4().hex[:12]
        self.assertEqual(self.world.client.ingest(domain, event_in_hour(first_tag, day, hour, 10)), 1)
        first = self.eventually_read(path, first_tag)
        time.sleep(2.5)  # past the attribute TTL: the next reads revalidate, and keep the pages
        out = self.bytes_out()
        for _ in range(3):
            self.assertEqual(self.read(path), first)
        self.assertEqual(self.bytes_out(), out, "a finished hour of today was read from atfs again, "
                         "not from the page cache")
        # Today's file stays live (direct I/O): each read reaches atfs.
        today = self.read(self.today())
        self.assertIn(first, today)
        self.read(self.today())
        self.assertGreaterEqual(self.bytes_out() - out, 2 * len(today))
        # A late event in that hour drops its cached pages once its size changes.
        late_tag = uuid.uuid4().hex[:12]
        self.assertEqual(self.world.client.ingest(domain, event_in_hour(late_tag, day, hour, 20)), 1)
        again = self.eventually_read(path, late_tag)
        self.assertEqual(len(again.splitlines()), len(first.splitlines()) + 1)
        self.assertIn(first_tag.encode(), again)

    def test_less_follow_under_tmux(self):
        if not shutil.which("tmux") or not shutil.which("less"):
            self.skipTest("tmux and less are needed (scripts/install-deps installs them)")
        sock = "atfs-live-%d" % os.getpid()
        tmux = ["tmux", "-L", sock]
        env = dict(os.environ, TERM="xterm", LESS="", LESSOPEN="")
        subprocess.run(tmux + ["new-session", "-d", "-x", "200", "-y", "40", "less +F " + self.today()],
                       check=True, env=env, timeout=10)
        try:
            time.sleep(2)  # less has read to the end and is following
            tag, ingested = self.ingest_now()
            deadline = ingested + BOUND
            while True:
                screen = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True,
                                        timeout=10).stdout
                if tag.encode() in screen:
                    break
                self.assertLess(time.monotonic(), deadline,
                                "less +F showed nothing new within %s s:\n%s" % (BOUND, screen.decode()))
                time.sleep(0.2)
            print("less +F latency %.2f s" % (time.monotonic() - ingested))
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True, timeout=10)


class LiveDemoTest(MountTestCase):
    """`atd serve --demo-live RATE` keeps the demo's today moving under `tail -f`."""

    WORLD = dict(spaces=1, days=2, events_per_day=200, seed=6, last_day=None,
                 atd_extra=("--demo-live", "20"))

    def test_tail_f_of_the_account_today_moves(self):
        tail = subprocess.Popen(["tail", "-n", "1", "-f", self.p("account", "today.json")],
                                stdout=subprocess.PIPE)
        try:
            seen = b""
            deadline = time.monotonic() + 2 * BOUND
            while seen.count(b"\n") < 3:
                left = deadline - time.monotonic()
                self.assertGreater(left, 0, "tail -f showed %d new lines in %s s" %
                                   (max(0, seen.count(b"\n") - 1), 2 * BOUND))
                ready, _, _ = select.select([tail.stdout], [], [], left)
                if ready:
                    seen += os.read(tail.stdout.fileno(), 65536)
        finally:
            tail.kill()
            tail.wait(timeout=10)
            tail.stdout.close()
