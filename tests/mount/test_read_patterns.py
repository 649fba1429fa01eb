"""Every read pattern, byte-exact against the service's downloads: sequential cat, reverse
4 KiB blocks, 10,000 random preads of random sizes from 4 threads on one descriptor, and
random mmap touches; over a day whose hours hold one gzip member each, a day ingested in
several batches (several members per hour), an hour file, a 40-day range (3 chained
sessions), a partial-day range (one session per hour) and the .json.gz twins. They guard
the read engine (issue 11): whatever path a read takes, the bytes are the download's.

Each test first drops the file's pages from the kernel's page cache (POSIX_FADV_DONTNEED),
so its reads reach atfs rather than pages an earlier test left."""

import json
import mmap
import os
import random
import subprocess
import threading
import unittest
import zlib

from dataset import big_day_lines, shift_day
from fixture import MountTestCase, World

ONE_MEMBER_DAY = "2026-04-01"  # ingested in one batch: one gzip member per hour
MANY_MEMBER_DAY = "2026-04-02"  # ingested in BATCHES batches: that many members per hour
BATCHES = 4
BIG_BYTES = 8 << 20
HOUR = 12  # the hour file read, of MANY_MEMBER_DAY
PREADS, PREAD_THREADS = 10000, 4


def gzip_members(raw):
    """How many gzip members a download holds."""
    members = 0
    while raw:
        d = zlib.decompressobj(wbits=31)
        d.decompress(raw)
        if not d.eof:
            raise ValueError("a truncated gzip member")
        members += 1
        raw = d.unused_data
    return members


def later_and_later_batches(lines, n):
    """Sorted JSON lines cut into n batches, batch k holding the k-th n-th of every hour: each
    batch's events in an hour are no earlier than the last batch's, so atd appends each as one
    more gzip member of the hour file (an earlier event would merge the hour into one)."""
    by_hour = {}
    for line in lines.splitlines(keepends=True):
        by_hour.setdefault(json.loads(line)["eventTime"][11:13], []).append(line)
    batches = [[] for _ in range(n)]
    for hour_lines in by_hour.values():
        step = -(-len(hour_lines) // n)
        for k in range(n):
            batches[k] += hour_lines[k * step : (k + 1) * step]
    return [b"".join(batch) for batch in batches]


def drop_cached_pages(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


class ReadPatternsTest(MountTestCase):
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
            "one_day": (ONE_MEMBER_DAY + ".json", _inflate(one_gz)),
            "many_day": (MANY_MEMBER_DAY + ".json", _inflate(many_gz)),
            "hour": ("%s/%02d.json" % (MANY_MEMBER_DAY, HOUR), _inflate(hour_gz)),
            "range_40": ("%s..%s.json" % (first, last), _inflate(range_gz)),
            "part_day": ("%sT18..%sT05.json" % (ONE_MEMBER_DAY, MANY_MEMBER_DAY), _inflate(part_gz)),
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

    def sequential(self, rel, want):
        done = subprocess.run(["cat", self.open_fresh(rel)], capture_output=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(len(done.stdout), len(want), rel)
        self.assertTrue(done.stdout == want, "%s: cat differs from the download" % rel)

    def reverse_blocks(self, rel, want, block=4096):
        fd = os.open(self.open_fresh(rel), os.O_RDONLY)
        try:
            parts = []
            for offset in range((len(want) - 1) // block * block, -1, -block):
                got = os.pread(fd, block, offset)
                if got != want[offset : offset + block]:
                    self.fail("%s: pread(%d) at %d differs" % (rel, block, offset))
                parts.append(got)
        finally:
            os.close(fd)
        self.assertTrue(b"".join(reversed(parts)) == want, rel)

    def random_preads(self, rel, want, seed):
        path = self.open_fresh(rel)
        fd = os.open(path, os.O_RDONLY)
        failures = []
        sizes = [1, 100, 4096, 4097, 65536, 131072, 300000]

        def reader(k):
            rng = random.Random(seed * 100 + k)
            try:
                for i in range(PREADS // PREAD_THREADS):
                    offset = rng.randrange(0, len(want) + 1000)
                    size = rng.choice(sizes) if rng.random() < 0.5 else rng.randint(1, 200000)
                    got = os.pread(fd, size, offset)
                    if got != want[offset : offset + size]:
                        failures.append("pread(%d) at %d: %d bytes, not the download's" % (size, offset, len(got)))
                        return
                    if k == 0 and i % 500 == 499:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # back to atfs
            except OSError as e:
                failures.append("pread failed: %s" % e)

        threads = [threading.Thread(target=reader, args=(k,)) for k in range(PREAD_THREADS)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            self.assertFalse(any(t.is_alive() for t in threads), "%s: preads still running after 120 s" % rel)
        finally:
            os.close(fd)
        self.assertEqual(failures, [], rel)

    def mmap_touches(self, rel, want, seed, touches=3000):
        rng = random.Random(seed)
        with open(self.open_fresh(rel), "rb") as f:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                self.assertEqual(len(m), len(want))
                self.assertEqual(m[len(want) - 1], want[-1])
                self.assertEqual(m[0], want[0])
                for _ in range(touches):
                    offset = rng.randrange(0, len(want))
                    size = rng.randint(1, 9000)
                    if m[offset : offset + size] != want[offset : offset + size]:
                        self.fail("%s: mmap bytes at %d+%d differ" % (rel, offset, size))


def _inflate(raw):
    """A download inflated, every member (zlib.decompress stops after the first)."""
    out = []
    while raw:
        d = zlib.decompressobj(wbits=31)
        out.append(d.decompress(raw))
        raw = d.unused_data
    return b"".join(out)


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
