"""Every read pattern, byte-exact against the service's downloads: sequential cat, reverse
4 KiB blocks, 10,000 random preads of random sizes from 4 threads on one descriptor, and
random mmap touches; over a day whose hours hold one gzip member each, a day ingested in
several batches (several members per hour), an hour file, a 40-day range (3 chained
sessions), a partial-day range (one session per hour) and the .json.gz twins. They guard
the read engine (issue 11): whatever path a read takes, the bytes are the download's.

Each test first drops the file's pages from the kernel's page cache (POSIX_FADV_DONTNEED),
so its reads reach atfs rather than pages an earlier test left."""

import json
import os
import unittest

from dataset import big_day_lines, shift_day
from fixture import MountTestCase, World
from read_patterns import ReadPatterns, drop_cached_pages, gzip_members, inflate_all, later_and_later_batches

ONE_MEMBER_DAY = "2026-04-01"  # ingested in one batch: one gzip member per hour
MANY_MEMBER_DAY = "2026-04-02"  # ingested in BATCHES batches: that many members per hour
BATCHES = 4
BIG_BYTES = 8 << 20
HOUR = 12  # the hour file read, of MANY_MEMBER_DAY


class ReadPatternsTest(ReadPatterns, MountTestCase):
    @classmethod
    def setUpClass(cls):
        # The big days go in before the mount starts, so its first listing already has them.
        cls.world = World(days=45, events_per_day=500)
        w = cls.world
        cls.domain = d = w.space_domains()[0]
        w.client.ingest(d, big_day_lines(ONE_MEMBER_DAY, BIG_BYTES, seed=5))
        for batch in later_and_later_batches(big_day_lines(MANY_MEMBER_DAY, BIG_BYTES, seed=6), BATCHES):
            w.client.ingest(d, batch)
        cls.mnt = w.mount()

        first = shift_day(w.first_day, 2)
        last = shift_day(first, 39)
        days = [day["date"] for day in w.status(d) if first <= day["date"] <= last]
        hours = [(ONE_MEMBER_DAY, h) for h in range(18, 24)] + [(MANY_MEMBER_DAY, h) for h in range(0, 6)]
        one_gz = w.client.download_gz(d, ONE_MEMBER_DAY)
        many_gz = w.client.download_gz(d, MANY_MEMBER_DAY)
        hour_gz = w.client.download_gz(d, MANY_MEMBER_DAY, hour=HOUR)
        range_gz = b"".join(w.client.download_gz(d, day) for day in days)
        part_gz = b"".join(w.client.download_gz(d, day, hour=h) for day, h in hours)
        cls.members = {"one": gzip_members(one_gz), "many": gzip_members(many_gz)}
        cls.truth = {
            "one_day": (ONE_MEMBER_DAY + ".json", inflate_all(one_gz)),
            "many_day": (MANY_MEMBER_DAY + ".json", inflate_all(many_gz)),
            "hour": ("%s/%02d.json" % (MANY_MEMBER_DAY, HOUR), inflate_all(hour_gz)),
            "range_40": ("%s..%s.json" % (first, last), inflate_all(range_gz)),
            "part_day": ("%sT18..%sT05.json" % (ONE_MEMBER_DAY, MANY_MEMBER_DAY), inflate_all(part_gz)),
            "many_day_gz": (MANY_MEMBER_DAY + ".json.gz", many_gz),
            "range_40_gz": ("%s..%s.json.gz" % (first, last), range_gz),
        }

    def test_the_data_has_the_shapes_it_claims(self):
        self.assertEqual(self.members["one"], 24)
        self.assertEqual(self.members["many"], 24 * BATCHES)
        days = {day["date"]: day for day in self.world.status(self.domain)}
        first, last = self.truth["range_40"][0][: -len(".json")].split("..")
        self.assertGreater(len([d for d in days if first <= d <= last]), 30)
        for name, (rel, want) in self.truth.items():
            with self.subTest(file=name):
                self.assertGreater(len(want), 200000, name)
                self.assertEqual(os.stat(self.path(rel)).st_size, len(want), name)

    def stats(self):
        with open(self.p(".atfs", "stats.json")) as f:
            return json.load(f)

    # --- the patterns ---------------------------------------------------

    def path(self, rel):
        return self.p(self.domain.rel, rel)

    def open_fresh(self, rel):
        path = self.path(rel)
        drop_cached_pages(path)
        return path

def _add_tests():
    files = ["one_day", "many_day", "hour", "range_40", "part_day", "many_day_gz", "range_40_gz"]
    patterns = {
        "cat": lambda self, rel, want, seed: self.sequential(rel, want),
        "reverse_4k": lambda self, rel, want, seed: self.reverse_blocks(rel, want),
        "random_preads": lambda self, rel, want, seed: self.random_preads(rel, want, seed),
        "mmap": lambda self, rel, want, seed: self.mmap_touches(rel, want, seed),
    }
    for seed, name in enumerate(files):
        for pattern, run in patterns.items():

            label = "test_%s_%s" % (pattern, name)

            def test(self, name=name, run=run, seed=seed, label=label):
                rel, want = self.truth[name]
                before = self.stats()
                run(self, rel, want, seed + 1)
                after = self.stats()
                # The reads reached atfs, not only pages the kernel had cached.
                self.assertGreater(after["bytes_out"], before["bytes_out"], rel)
                if os.environ.get("ATFS_READ_PATTERN_STATS"):
                    print("\n  %s: %d sessions, %d restarts, %d window reads, %d skips, %.1f MB out"
                          % (label, after["sessions_created"] - before["sessions_created"],
                             after["stream_restarts"] - before["stream_restarts"],
                             after["window_reads"] - before["window_reads"],
                             after["skip_aheads"] - before["skip_aheads"],
                             (after["bytes_out"] - before["bytes_out"]) / 1e6))

            test.__name__ = label
            setattr(ReadPatternsTest, label, test)


_add_tests()

if __name__ == "__main__":
    unittest.main()
