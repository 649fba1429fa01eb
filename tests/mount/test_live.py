"""Today is a live file: `tail -f` and `less +F` print an event ingested after they started,
within 5 s (the attribute TTL of today, 2 s, plus tail's 1 s poll), with no reopen, and leave
no session behind."""

import os
import select
import shutil
import subprocess
import time
import uuid

from fixture import MountTestCase
from live_events import now_event

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
