"""Daemon: atfs without -f exits 0 only once the mount is up; with a bad key, an
unreachable endpoint or an unsafe config it exits non-zero with one clear message and
leaves nothing mounted."""

import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import unittest

from atd_client import DEMO_KEY
from atfs_mount import atfs_argv, fusermount, is_mounted, pids_of_mount, write_config
from fixture import MountTestCase
from processes import REPO, find_bin, process_alive, wait_until

START_BOUND = 60  # seconds atfs may take to mount (or give up) before returning


class DaemonTest(MountTestCase):
    WORLD = dict(spaces=1, days=3, events_per_day=50)

    def setUp(self):
        self.mountpoint = tempfile.mkdtemp(prefix="daemon-", dir=self.world.tmp)

    def tearDown(self):
        # Whatever happened, nothing of this test stays mounted or running.
        if is_mounted(self.mountpoint):
            fusermount("-u", self.mountpoint) or fusermount("-uz", self.mountpoint)
        for pid in pids_of_mount(self.mountpoint):
            if not wait_until(lambda: not process_alive(pid), 10):
                os.kill(pid, signal.SIGKILL)
        super().tearDown()

    def run_atfs(self, config, foreground=False):
        """Runs atfs with its output in a file (a daemon may keep a pipe open) and waits."""
        argv = atfs_argv(self.mountpoint, config, foreground=foreground)
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
            try:
                proc.wait(START_BOUND)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            out.seek(0)
            return subprocess.CompletedProcess(argv, proc.returncode, out.read(), b"")

    def test_returns_zero_once_mounted(self):
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY)
        done = self.run_atfs(config)
        self.assertEqual(done.returncode, 0, done.stderr)
        # No waiting: it must be mounted the moment atfs returned.
        self.assertTrue(is_mounted(self.mountpoint))
        self.assertTrue({"account", "spaces"} <= set(os.listdir(self.mountpoint)))
        domain = self.world.space_domains()[0]
        day = self.world.status(domain)[-1]["date"]
        with open(os.path.join(self.mountpoint, domain.rel, day + ".json"), "rb") as f:
            self.assertEqual(f.read(), self.world.client.download(domain, day))
        pids = pids_of_mount(self.mountpoint)
        self.assertEqual(len(pids), 1, "one atfs daemon serves the mount")
        self.assertTrue(fusermount("-u", self.mountpoint))
        self.assertTrue(wait_until(lambda: not process_alive(pids[0]), 30), "the daemon outlived its unmount")
        self.assertEqual(self.world.wait_no_sessions(timeout=5), [])

    def test_mount_helper_for_fstab(self):
        # What mount(8) runs for an fstab line of type fuse.atfs: mount.atfs SOURCE DIR -o OPTS,
        # with mount-only options (_netdev, nofail) in OPTS.
        helper = os.path.join(REPO, "fs", "mount.atfs")
        self.assertTrue(os.path.exists(helper), helper)
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY)
        env = dict(os.environ, PATH=os.path.dirname(find_bin("atfs", "ATFS_BIN")) + ":" + os.environ["PATH"])
        done = subprocess.run(["sh", helper, "none", self.mountpoint, "-o", "config=%s,_netdev,nofail,max_sessions=3" % config],
                              capture_output=True, timeout=START_BOUND, env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(is_mounted(self.mountpoint))
        with open(os.path.join(self.mountpoint, ".atfs", "status.json")) as f:
            status = json.load(f)
        self.assertEqual(status.get("max_sessions_per_domain"), 3, "the helper passed max_sessions=3 on")
        self.assertTrue(fusermount("-u", self.mountpoint))

    def test_mount_helper_takes_what_mount8_passes(self):
        # mount -t fuse.atfs none DIR -o config=F runs /sbin/mount.fuse.atfs with "rw," added
        # to the options and "-t fuse.atfs" after them (seen with strace on util-linux 2.38).
        helper = os.path.join(REPO, "fs", "mount.atfs")
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY)
        env = dict(os.environ, PATH=os.path.dirname(find_bin("atfs", "ATFS_BIN")) + ":" + os.environ["PATH"])
        done = subprocess.run(["sh", helper, "none", self.mountpoint, "-o", "rw,config=%s,_netdev" % config,
                               "-t", "fuse.atfs"],
                              capture_output=True, timeout=START_BOUND, env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(is_mounted(self.mountpoint))
        self.assertTrue(os.statvfs(self.mountpoint).f_flag & os.ST_RDONLY, "mount's rw made the mount writable")
        self.assertTrue(fusermount("-u", self.mountpoint))

    def assertRefused(self, done, words):
        out = (done.stdout + done.stderr).decode(errors="replace")
        self.assertNotEqual(done.returncode, 0, out)
        self.assertTrue(out.strip(), "no message at all")
        self.assertRegex(out, re.compile(words, re.I))
        self.assertNotIn(DEMO_KEY, out, "the API key leaked into the output")
        self.assertFalse(is_mounted(self.mountpoint), "left a mount behind")
        self.assertEqual(pids_of_mount(self.mountpoint), [], "left a process behind")
        return out

    def test_bad_key(self):
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY + "-wrong")
        done = self.run_atfs(config)
        out = self.assertRefused(done, r"key|auth|credential|401|denied|login")
        self.assertNotIn(DEMO_KEY + "-wrong", out)

    def test_bad_key_foreground(self):
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY + "-wrong")
        self.assertRefused(self.run_atfs(config, foreground=True), r"key|auth|credential|401|denied|login")

    def test_unreachable_endpoint(self):
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        config = write_config(self.world.tmp, "http://127.0.0.1:%d" % port, DEMO_KEY)
        done = self.run_atfs(config)
        self.assertRefused(done, r"connect|reach|refused|127\.0\.0\.1:%d" % port)

    def test_world_readable_config_refused(self):
        config = write_config(self.world.tmp, self.world.atd.endpoint, DEMO_KEY, mode=0o644)
        done = self.run_atfs(config)
        self.assertRefused(done, re.escape(os.path.basename(config)) + r"|permission|mode|0600|readable")

    def test_missing_config(self):
        missing = os.path.join(self.world.tmp, "no-such-config.json")
        self.assertRefused(self.run_atfs(missing), re.escape("no-such-config.json") + "|not found|no such")


if __name__ == "__main__":
    unittest.main()
