"""Slow drips are stalls (issue 10): a download that keeps moving, but slower than the rate
floor, fails like a stalled one instead of holding the reader and its session for as long
as the connection lives; and once the reader has gone, so has its session."""

import os
import subprocess
import time
import unittest

from atfs_mount import atfs_sessions
from fault_proxy_process import FaultProxy
from fixture import MountTestCase

# min_rate_time=2: a drip is caught 2 s after it starts, the retry budget resumes it 4 more
# times (each connection moves 100 KB, then drips), and the kernel's requests that were in
# flight with the failed one fail with it: EIO after about 16 s; the old code never ended.
FLOOR = "min_rate=1024,min_rate_time=2"
EIO_BOUND = 60
GONE_BOUND = 2.0  # seconds from the reader leaving to its session being gone from atd


class DripTest(MountTestCase):
    WORLD = dict(spaces=1, days=3, events_per_day=20000, seed=7)
    SESSION_BOUND = GONE_BOUND

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        cls.day = cls.world.status(cls.domain)[0]["date"]
        cls.proxy = FaultProxy(
            cls.world.atd.port, "--drip-after", "100000", "--drip-rate", "1", "--match-substring", "/v3/events/download"
        )
        cls.dripping = cls.world.mount(options=FLOOR, endpoint=cls.proxy.endpoint)

    @classmethod
    def tearDownClass(cls):
        proxy = getattr(cls, "proxy", None)
        super().tearDownClass()
        if proxy is not None:
            proxy.close()

    def read_through_drip(self, name):
        """cat through the drip; returns (exit code, stdout, stderr) once the reader has left
        and atd shows none of its sessions."""
        path = self.dripping.path(self.domain.rel, name)
        start = time.monotonic()
        try:
            done = subprocess.run(["cat", path], capture_output=True, timeout=EIO_BOUND)
        except subprocess.TimeoutExpired:
            self.fail("cat of %s through a 1 byte/s drip did not end within %d s" % (name, EIO_BOUND))
        left_at = time.monotonic()
        print("\ncat %s: exit %d after %.1f s, %d bytes" % (name, done.returncode, left_at - start, len(done.stdout)))
        # Gone from atd within GONE_BOUND of the reader leaving.
        left = self.world.wait_no_sessions(timeout=GONE_BOUND, only_atfs=True)
        self.assertEqual(left, [], "sessions still on atd %.1f s after the reader left" % (time.monotonic() - left_at))
        with open(self.dripping.path(".atfs", "sessions.json")) as f:
            self.assertNotIn('"id"', f.read(), "the mount still lists a session")
        return done

    def test_drip_in_a_day_file_is_eio(self):
        # Inflated bytes are re-downloaded from byte 0 after a failure, so every round
        # drips at the same place: the reader must get EIO.
        done = self.read_through_drip(self.day + ".json")
        self.assertNotEqual(done.returncode, 0, "cat read %d bytes and succeeded through a drip" % len(done.stdout))
        self.assertIn(b"Input/output error", done.stderr)

    def test_drip_in_a_raw_gzip_file_resumes_or_fails(self):
        # Raw bytes resume with a Range where the drip stopped them, so each resumed connection
        # moves 100 KB on and a reader could finish: it must end, and with the right bytes.
        done = self.read_through_drip(self.day + ".json.gz")
        if done.returncode == 0:
            self.assertEqual(done.stdout, self.world.client.download_gz(self.domain, self.day))
        else:
            self.assertIn(b"Input/output error", done.stderr)


class KilledReaderTest(MountTestCase):
    """A reader killed while its readahead waits on a slow download (issue 10): readahead
    requests get no FUSE interrupt and the kernel releases the file only once they are
    answered, so the old code kept the session until the rate floor (30 s by default) ended
    the download. ReadWatch sees the reader's process end (pidfd) and abandons the read."""

    WORLD = dict(spaces=1, days=3, events_per_day=20000, seed=7)
    SESSION_BOUND = GONE_BOUND

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        cls.day = cls.world.status(cls.domain)[0]["date"]
        cls.proxy = FaultProxy(
            cls.world.atd.port, "--drip-after", "100000", "--drip-rate", "1", "--match-substring", "/v3/events/download"
        )
        # The default rate floor (1 KiB/s over 30 s): far longer than the bound.
        cls.dripping = cls.world.mount(endpoint=cls.proxy.endpoint)

    @classmethod
    def tearDownClass(cls):
        proxy = getattr(cls, "proxy", None)
        super().tearDownClass()
        if proxy is not None:
            proxy.close()

    def kill_reader_and_time_its_session(self, argv):
        reader = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # Wait until its download drips: the session is on atd and the reader is stuck.
            deadline = time.monotonic() + 20
            while not atfs_sessions(self.world.sessions()) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertTrue(atfs_sessions(self.world.sessions()), "the reader never got a session")
            time.sleep(1.5)
            self.assertIsNone(reader.poll(), "the reader ended although its download drips")
        finally:
            reader.kill()
            reader.wait(10)
        killed_at = time.monotonic()
        left = self.world.wait_no_sessions(timeout=GONE_BOUND, only_atfs=True)
        gone_after = time.monotonic() - killed_at
        print("\n%s killed: sessions gone after %.2f s (%d left)" % (argv[0], gone_after, len(left)))
        self.assertEqual(left, [], "sessions still on atd %.1f s after the reader was killed" % gone_after)

    def test_killed_cat_of_a_page_cached_day_frees_its_session(self):
        self.kill_reader_and_time_its_session(["cat", self.dripping.path(self.domain.rel, self.day + ".json")])

    def test_killed_dd_of_a_gzip_day_frees_its_session(self):
        path = self.dripping.path(self.domain.rel, self.day + ".json.gz")
        self.kill_reader_and_time_its_session(["dd", "if=" + path, "of=/dev/null", "bs=1M"])


if __name__ == "__main__":
    unittest.main()
