"""Observing a mount: .atfs/metrics parses as Prometheus text (prometheus_client's parser and
promtool), and the log goes where -o log= says at the -o log_level asked for: a debug line per
session created and deleted, syslog datagrams with facility daemon and tag atfs, and never the
API key or a token."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

from atd_client import DEMO_KEY
from atfs_mount import Mount, atfs_argv, fusermount, is_mounted, pids_of_mount
from counting_proxy import CountingProxy
from fixture import MountTestCase
from processes import process_alive, wait_until


def prometheus_python():
    """A Python with Debian's python3-prometheus-client (scripts/install-deps installs it)."""
    for python in (sys.executable, "/usr/bin/python3"):
        if python and subprocess.run([python, "-c", "import prometheus_client"],
                                     capture_output=True, timeout=60).returncode == 0:
            return python
    raise AssertionError("no python3 with prometheus_client: apt-get install python3-prometheus-client")


PARSE = r"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    out[family.name] = {"type": family.type,
                        "samples": [[s.name, s.labels, s.value] for s in family.samples]}
print(json.dumps(out))
"""


def parse_metrics(text):
    import json
    done = subprocess.run([prometheus_python(), "-c", PARSE], input=text, capture_output=True,
                          text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError("prometheus_client rejected .atfs/metrics:\n" + done.stderr + text)
    return json.loads(done.stdout)


class MetricsAndLogTest(MountTestCase):
    WORLD = dict(spaces=1, days=3, events_per_day=60)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A second mount behind a proxy that sees the token, logging at debug to a file.
        cls.proxy = CountingProxy(cls.world.atd.port)
        cls.log_file = os.path.join(cls.world.tmp, "debug-mount.log")
        cls.debug_mnt = cls.world.mount(
            endpoint=cls.proxy.endpoint, options="log=%s,log_level=debug" % cls.log_file)

    def read_day(self, mount, back=1):
        domain = self.world.space_domains()[0]
        day = self.world.status(domain)[-back]["date"]
        with open(mount.path(domain.rel, day + ".json"), "rb") as f:
            return domain, f.read()

    def test_metrics_parse_and_count_what_happened(self):
        domain, data = self.read_day(self.mnt)
        self.assertTrue(data)
        with open(self.mnt.path(".atfs", "metrics")) as f:
            text = f.read()
        families = parse_metrics(text)
        self.assertEqual(families["atfs_sessions_created"]["type"], "counter")
        created = families["atfs_sessions_created"]["samples"][0][2]
        self.assertGreaterEqual(created, 1)
        read = families["atfs_read_duration_seconds"]
        self.assertEqual(read["type"], "histogram")
        count = [s for s in read["samples"] if s[0].endswith("_count")][0][2]
        self.assertGreaterEqual(count, 1)
        ttfb = families["atfs_download_first_byte_seconds"]
        self.assertGreaterEqual([s for s in ttfb["samples"] if s[0].endswith("_count")][0][2], 1)
        self.assertIn("atfs_live_sessions", families)
        self.assertIn("atfs_session_queue_waits", families)
        opened = families["atfs_files_opened"]["samples"][0][2]
        self.assertGreaterEqual(opened, 1)
        # The same numbers stats.json shows.
        import json
        with open(self.mnt.path(".atfs", "stats.json")) as f:
            stats = json.load(f)
        self.assertEqual(stats["files_opened"], int(opened))

    def test_promtool_accepts_metrics(self):
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest("promtool (Debian package prometheus) is not installed")
        self.read_day(self.mnt)
        with open(self.mnt.path(".atfs", "metrics"), "rb") as f:
            text = f.read()
        done = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                              timeout=60)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def test_debug_log_has_sessions_and_no_credentials(self):
        self.read_day(self.debug_mnt)
        self.read_day(self.debug_mnt, back=2)
        # Sessions are deleted asynchronously after close: wait for the deletes to be logged.
        def text():
            with open(self.log_file) as f:
                return f.read()
        self.assertTrue(wait_until(lambda: text().count("deleted session ") >= 2, 10), text())
        log = text()
        self.assertRegex(log, r"\] debug: created session \S+ in domain \S+ for ")
        self.assertRegex(log, r"\] debug: deleted session \S+ in domain ")
        self.assertTrue(self.proxy.tokens, "the proxy saw no token")
        self.assertNotIn(DEMO_KEY, log)
        for token in self.proxy.tokens:
            self.assertNotIn(token.split()[-1], log)


class AtdLogTest(MountTestCase):
    """atd --log FILE --log-level debug: a line per session created and deleted, no key or
    token."""

    WORLD = dict(spaces=1, days=2, events_per_day=40)

    def test_atd_debug_log(self):
        from atd_client import AtdClient
        from atd_server import Atd
        log_file = os.path.join(self.world.tmp, "atd-debug.log")
        self.world.atd.close()
        self.world.atd = Atd(self.world.data, self.world.tmp,
                             extra=["--log", log_file, "--log-level", "debug"])
        client = self.world.client = AtdClient(self.world.atd.endpoint, DEMO_KEY)
        domain = [d for d in client.domains() if not d.account][0]
        day = client.status(domain)[-1]["date"]
        session = client.create_session(domain, day, day)
        client.delete_session(session["id"], domain.project)
        with open(log_file) as f:
            log = f.read()
        self.assertRegex(log, r"atd\[\d+\] debug: created session %s " % session["id"])
        self.assertRegex(log, r"atd\[\d+\] debug: deleted session %s " % session["id"])
        self.assertNotIn(DEMO_KEY, log)
        self.assertNotIn(client.token(), log)


class SyslogTest(MountTestCase):
    """A background mount logs to syslog: here a datagram socket the test binds itself, as
    journald binds /dev/log."""

    WORLD = dict(spaces=1, days=2, events_per_day=40)

    def test_background_mount_logs_to_syslog(self):
        sock_path = os.path.join(self.world.tmp, "log.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(sock_path)
        sock.settimeout(10)
        mountpoint = tempfile.mkdtemp(prefix="syslog-", dir=self.world.tmp)
        config = self.mnt.config
        argv = atfs_argv(mountpoint, config, "log_level=debug,syslog_socket=" + sock_path,
                         foreground=False)
        try:
            done = subprocess.run(argv, capture_output=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            domain = self.world.space_domains()[0]
            day = self.world.status(domain)[-1]["date"]
            with open(os.path.join(mountpoint, domain.rel, day + ".json"), "rb") as f:
                self.assertTrue(f.read())
            lines = []
            while not any("deleted session" in l for l in lines):
                lines.append(sock.recv(65536).decode())  # bounded by the socket timeout
        finally:
            if is_mounted(mountpoint):
                fusermount("-u", mountpoint) or fusermount("-uz", mountpoint)
            for pid in pids_of_mount(mountpoint):
                wait_until(lambda: not process_alive(pid), 10)
            sock.close()
        created = [l for l in lines if "created session" in l]
        self.assertTrue(created, lines)
        # <PRI> = daemon (3) * 8 + debug (7); then a timestamp and "atfs[PID]: ".
        self.assertRegex(created[0], r"^<31>\w{3} [ \d]\d \d\d:\d\d:\d\d atfs\[\d+\]: created ")
        self.assertFalse([l for l in lines if DEMO_KEY in l])


if __name__ == "__main__":
    unittest.main()
