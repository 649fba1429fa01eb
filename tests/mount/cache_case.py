"""What the disk cache's mount tests (test_cache, test_cache_patterns) share: a World with
the days they read, a fresh mount per test on the test's own -o cache_dir= (never the user's
real cache), unmounted in tearDown before the fixture's no-session check, and the cache seen
from outside: its status, its entry files, the sessions a mount created (stats.json, or a
CountingProxy in front of atd)."""

import json
import os
import time

from cache_files import entry_name, entry_names, read_entry
from counting_proxy import CountingProxy
from dataset import LAST_DAY, big_day_lines, shift_day
from fixture import MountTestCase, World
from processes import find_bin
from read_patterns import ReadPatterns, later_and_later_batches

CHURN_DAY = "2026-04-01"  # ~6 MiB of random events: ~3 MiB of gzip through a 1 MiB cache
MANY_MEMBER_DAY = "2026-04-02"  # several gzip members per hour
BATCHES = 3
MIB = 1 << 20


def past(days_back):
    return shift_day(LAST_DAY, -days_back)


def eventually(ready, timeout=10.0):
    """Polls ready() until it is true or timeout seconds passed; returns its last value."""
    deadline = time.monotonic() + timeout
    value = ready()
    while not value and time.monotonic() < deadline:
        time.sleep(0.05)
        value = ready()
    return value


class CacheCase(ReadPatterns, MountTestCase):
    BIG_DAYS = (CHURN_DAY, MANY_MEMBER_DAY)  # which of the two ingested days a module reads

    @classmethod
    def setUpClass(cls):
        find_bin("atfs", "ATFS_BIN")
        cls.world = w = World(days=45, events_per_day=500)
        cls.domain = d = w.space_domains()[0]
        if CHURN_DAY in cls.BIG_DAYS:
            w.client.ingest(d, big_day_lines(CHURN_DAY, 6 * MIB, seed=8))
        if MANY_MEMBER_DAY in cls.BIG_DAYS:
            for batch in later_and_later_batches(big_day_lines(MANY_MEMBER_DAY, 4 * MIB, seed=9), BATCHES):
                w.client.ingest(d, batch)
        cls.mnt = None  # every test mounts its own, with its own cache folder

    def setUp(self):
        self.mine = []  # (mount, proxy or None), unmounted in tearDown
        self.cache_dir = os.path.join(self.world.tmp, "cache-" + self._testMethodName)

    def tearDown(self):
        try:
            for m, _ in self.mine:
                if m.proc is not None and m.proc.poll() is None:
                    self.assertEqual(m.unmount(), 0, m.log())
        finally:
            for _, proxy in self.mine:
                if proxy is not None:
                    proxy.close()
            super().tearDown()

    # --- mounts, status, ground truth -------------------------------------------

    def mount(self, options="", cache_dir=None, proxy=False):
        """A fresh mount on cache_dir (this test's by default), through a CountingProxy if
        asked (self.proxy); it becomes self.mnt."""
        # sequential=engine: readers from 0 go through the engine too, which fills the cache
        # (the default, sequential=stream, fills it from the first far seek on).
        opts = ("cache_dir=" + (cache_dir or self.cache_dir) + ",sequential=engine" +
                ("," + options if options else ""))
        counting = CountingProxy(self.world.atd.port) if proxy else None
        self.proxy = counting
        self.mnt = self.world.mount(options=opts, endpoint=counting.endpoint if counting else None)
        self.mine.append((self.mnt, counting))
        return self.mnt

    def unmount(self):
        self.assertEqual(self.mnt.unmount(), 0, self.mnt.log())

    def control(self, name):
        with open(self.p(".atfs", name)) as f:
            return json.load(f)

    def disk_cache(self):
        status = self.control("status.json")
        self.assertIn("disk_cache", status, "status.json has no disk_cache: %s" % sorted(status))
        return status["disk_cache"]

    def read_engine(self):
        status = self.control("status.json")
        self.assertIn("read_engine", status, "status.json has no read_engine: %s" % sorted(status))
        return status["read_engine"]

    def sessions_created(self):
        return self.control("stats.json")["sessions_created"]

    def session_posts(self):
        return self.proxy.count("POST", "/v3/sessions")

    def downloads(self):
        return self.proxy.count("GET", "/v3/events/download")

    def path(self, rel):
        return self.p(self.domain.rel, rel)

    def open_fresh(self, rel):
        """The file's path, its pages dropped from the kernel's page cache: reads reach atfs."""
        path = self.path(rel)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        return path

    def day_truth(self, day):
        return day + ".json", self.world.client.download(self.domain, day)

    def hours_with_events(self, day, status=None):
        """The hours atd lists for the day: those with events (API.md), each one entry."""
        (day_status,) = [s for s in status or self.world.status(self.domain) if s["date"] == day]
        return [h["hour"] for h in day_status.get("hours", [])]

    def entry_path(self, day, hour):
        return os.path.join(self.cache_dir, entry_name(self.domain.name, day, hour))

    def assert_day_cached(self, day):
        """Every hour of the day with events has its entry; returns those hours."""
        return self.assert_cached([day])[day]

    def assert_cached(self, days, only_hour=None):
        """Every hour (or only_hour) of the days has its entry (puts may trail the reads a
        little); returns {day: hours}."""
        status = self.world.status(self.domain)
        hours = {day: [h for h in self.hours_with_events(day, status) if only_hour in (None, h)] for day in days}
        self.assertTrue(all(hours.values()), hours)

        def missing():
            names = set(entry_names(self.cache_dir))
            return ["%sT%02d" % (day, h) for day in days for h in hours[day]
                    if entry_name(self.domain.name, day, h) not in names]

        eventually(lambda: not missing())
        self.assertEqual(missing(), [], "hours not in the cache folder %s" % self.cache_dir)
        return hours

    def valid_entry(self, day, hour, check=lambda entry: True):
        """The entry of day/hour once it is valid and passes check (bounded wait)."""
        path = self.entry_path(day, hour)

        def entry():
            try:
                e = read_entry(path)
            except (OSError, ValueError):
                return None
            return e if check(e) else None

        eventually(entry)
        return read_entry(path)  # the error, if it never became valid
