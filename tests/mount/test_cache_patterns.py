"""Every read pattern (read_patterns.py) byte-exact through the disk cache (issue 11): on a
mount whose cache starts empty (random preads first, so they find nothing cached), then on a
fresh mount that must serve them all from the cache with no session; over a day with several
gzip members per hour, an hour file, a 40-day range and a .gz twin."""

import unittest

from cache_case import MANY_MEMBER_DAY, MIB, CacheCase
from dataset import shift_day

HOUR = 12  # the hour file read, of MANY_MEMBER_DAY
PREADS = 4000


class CachePatternsTest(CacheCase):
    BIG_DAYS = (MANY_MEMBER_DAY,)

    def patterns_fill_then_serve(self, rel, want, seed, days, only_hour=None):
        """All four patterns on a mount whose cache starts empty, then on a fresh one that
        must serve them from the cache alone (days, only_hour: what the file spans)."""
        self.mount()
        # Cold first: the random reads find nothing cached; cat last fills every hour.
        self.random_preads(rel, want, seed, preads=PREADS)
        self.mmap_touches(rel, want, seed)
        self.reverse_blocks(rel, want)
        self.sequential(rel, want)
        self.assertGreater(self.disk_cache()["writes"], 0)
        self.assert_cached(days, only_hour)
        self.unmount()

        # Counted by the mount alone: through the CountingProxy, the many sessions a broken
        # cache would make old-style restarts create stalled a POST for 30 s (seen on the tree
        # before the engine), and the mmap reader died of SIGBUS instead of failing.
        self.mount()
        self.sequential(rel, want)
        self.reverse_blocks(rel, want)
        self.random_preads(rel, want, seed + 1, preads=PREADS)
        self.mmap_touches(rel, want, seed + 1)
        self.assertEqual(self.sessions_created(), 0, "%s: a read served from the cache created a session" % rel)
        stats = self.disk_cache()
        self.assertGreater(stats["hits"], 0, stats)
        self.assertEqual(stats["corrupt"], 0, stats)

    def test_patterns_day(self):
        self.patterns_fill_then_serve(*self.day_truth(MANY_MEMBER_DAY), seed=1, days=[MANY_MEMBER_DAY])

    def test_patterns_hour(self):
        want = self.world.client.download(self.domain, MANY_MEMBER_DAY, hour=HOUR)
        rel = "%s/%02d.json" % (MANY_MEMBER_DAY, HOUR)
        self.patterns_fill_then_serve(rel, want, seed=2, days=[MANY_MEMBER_DAY], only_hour=HOUR)

    def test_patterns_40_day_range(self):
        first = shift_day(self.world.first_day, 2)
        last = shift_day(first, 39)
        # atd's sessions span at most 15 days: the truth is the days' downloads joined.
        days = [day["date"] for day in self.world.status(self.domain) if first <= day["date"] <= last]
        want = b"".join(self.world.client.download(self.domain, day) for day in days)
        self.assertGreater(len(want), 1 * MIB)
        self.patterns_fill_then_serve("%s..%s.json" % (first, last), want, seed=3, days=days)

    def test_patterns_gz_twin(self):
        want = self.world.client.download_gz(self.domain, MANY_MEMBER_DAY)
        self.patterns_fill_then_serve(MANY_MEMBER_DAY + ".json.gz", want, seed=4, days=[MANY_MEMBER_DAY])


if __name__ == "__main__":
    unittest.main()
