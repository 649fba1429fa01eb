"""What every test module builds on: a World (temp dir, dataset, atd, clients, mounts, and
the ground truth to compare the mounts with) and MountTestCase, which ties one World and
one mount to a unittest class and cleans both up, even on failure.

Every test module builds one World in setUpClass: its own temp dir, its own atd on
127.0.0.1 port 0, its own mounts. Nothing is shared between test processes.
"""

import os
import shutil
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atd_client import AUDITOR_KEY, DEMO_KEY, AtdClient, inflate  # noqa: E402
from atd_server import Atd  # noqa: E402
from atfs_mount import Mount, atfs_sessions  # noqa: E402
from dataset import BIG_DAY, LAST_DAY, atd_demo, big_day_lines, shift_day  # noqa: E402
from exit_cleanup import register  # noqa: E402
from processes import find_bin  # noqa: E402


class World:
    """One test module's universe: temp dir, dataset, atd, clients, mounts."""

    def __init__(self, spaces=2, days=45, events_per_day=150, seed=11, last_day=LAST_DAY, big_mb=0,
                 atd_extra=()):
        self.tmp = tempfile.mkdtemp(prefix="atfs-mount-test-")
        self.data = os.path.join(self.tmp, "data")
        self.last_day = last_day
        self.first_day = shift_day(last_day, -(days - 1)) if last_day else None
        self.mounts = []
        self.atd = None
        register(self)
        atd_demo(self.data, spaces, days, events_per_day, seed, last_day)
        self.atd = Atd(self.data, self.tmp, extra=atd_extra)
        self.client = AtdClient(self.atd.endpoint, DEMO_KEY)
        self.auditor = AtdClient(self.atd.endpoint, AUDITOR_KEY)
        self.domains = self.client.domains()
        self.big_day = None
        if big_mb:
            self.big_day = BIG_DAY
            self.client.ingest(self.space_domains()[0], big_day_lines(BIG_DAY, big_mb << 20))

    def space_domains(self):
        return [d for d in self.domains if not d.account]

    def mount(self, apikey=DEMO_KEY, options="", endpoint=None, start=True):
        m = Mount(self.tmp, endpoint or self.atd.endpoint, apikey, options)
        self.mounts.append(m)
        return m.start() if start else m

    def close(self):
        for m in reversed(self.mounts):
            m.close()
        if self.atd is not None:
            self.atd.close()
        if not os.environ.get("ATFS_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- ground truth ---------------------------------------------------

    def status(self, domain):
        return self.client.status(domain, hours=True)

    def expected_files(self, domain):
        """{relative name: (size, gzip_size)} of every listed day and hour file of a domain."""
        files = {}
        for day in self.status(domain):
            files[day["date"] + ".json"] = day["size"]
            files[day["date"] + ".json.gz"] = day["gzip_size"]
            for hour in day.get("hours", []):
                base = "%s/%02d.json" % (day["date"], hour["hour"])
                files[base] = hour["size"]
                files[base + ".gz"] = hour["gzip_size"]
        return files

    def truth_tree(self, domains=None, hours=True, threads=3):
        """Downloads every day (and hour) file of the domains into tmp/truth/<rel>/, as
        the mount should show them; returns that root. Cached per call signature."""
        root = os.path.join(self.tmp, "truth")
        jobs = []
        for domain in domains or self.domains:
            for day in self.status(domain):
                jobs.append((domain, day["date"], None))
                if hours:
                    jobs += [(domain, day["date"], h["hour"]) for h in day.get("hours", [])]
        jobs = [j for j in jobs if not os.path.exists(self._truth_path(root, *j) + ".gz")]
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda job: self._fetch_truth(root, *job), jobs))
        return root

    def _truth_path(self, root, domain, day, hour):
        if hour is None:
            return os.path.join(root, domain.rel, day + ".json")
        return os.path.join(root, domain.rel, day, "%02d.json" % hour)

    def _fetch_truth(self, root, domain, day, hour):
        path = self._truth_path(root, domain, day, hour)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        raw = self.client.download_gz(domain, day, day, hour)
        with open(path, "wb") as f:
            f.write(inflate(raw))
        with open(path + ".gz", "wb") as f:
            f.write(raw)

    def sessions(self, client=None):
        return (client or self.client).sessions()

    def wait_no_sessions(self, client=None, timeout=5.0, only_atfs=False):
        """Polls GET /v3/sessions until empty (release is asynchronous); returns what is left."""

        def left():
            found = self.sessions(client)
            return atfs_sessions(found) if only_atfs else found

        remaining = left()
        deadline = time.monotonic() + timeout
        while remaining and time.monotonic() < deadline:
            time.sleep(0.1)
            remaining = left()
        return remaining


class MountTestCase(unittest.TestCase):
    """Base of every module: one World and one mount per class; after every test the
    test user must have no session left on atd."""

    WORLD = {}  # World(**WORLD)
    MOUNT_OPTIONS = ""
    SESSION_BOUND = 5.0  # seconds atfs may take to release sessions after close

    @classmethod
    def setUpClass(cls):
        find_bin("atfs", "ATFS_BIN")
        cls.world = World(**cls.WORLD)
        cls.mnt = cls.world.mount(options=cls.MOUNT_OPTIONS)

    @classmethod
    def tearDownClass(cls):
        world = getattr(cls, "world", None)
        if world is None:
            return
        for m in world.mounts:
            if m.proc is not None and m.proc.poll() not in (None, 0):
                print("--- atfs log (%s) ---\n%s" % (m.mountpoint, m.log()), file=sys.stderr)
        world.close()

    def tearDown(self):
        world = self.world
        if world.atd is None or not world.atd.alive():
            return
        left = world.wait_no_sessions(timeout=self.SESSION_BOUND)
        self.assertEqual(left, [], "sessions left on atd after the test")

    def p(self, *parts):
        return self.mnt.path(*parts)
