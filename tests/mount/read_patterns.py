"""The read patterns of issue 11, each checked byte-exact against the bytes the service
downloads: sequential cat, reverse 4 KiB blocks, random preads of random sizes from 4 threads
on one descriptor, random mmap touches. A mixin for MountTestCase classes, which give
`open_fresh(rel)`: the file's path with its pages dropped from the kernel's page cache, so
the reads reach atfs. Also the shapes of the data: gzip members, batches that append them."""

import json
import mmap
import os
import random
import subprocess
import threading
import zlib

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


def inflate_all(raw):
    """A download inflated, every member (zlib.decompress stops after the first)."""
    out = []
    while raw:
        d = zlib.decompressobj(wbits=31)
        out.append(d.decompress(raw))
        raw = d.unused_data
    return b"".join(out)


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


class ReadPatterns:
    """The patterns as test methods' helpers; each fails the test on the first wrong byte."""

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

    def random_preads(self, rel, want, seed, preads=PREADS, threads=PREAD_THREADS):
        path = self.open_fresh(rel)
        fd = os.open(path, os.O_RDONLY)
        failures = []
        sizes = [1, 100, 4096, 4097, 65536, 131072, 300000]

        def reader(k):
            rng = random.Random(seed * 100 + k)
            try:
                for i in range(preads // threads):
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

        workers = [threading.Thread(target=reader, args=(k,)) for k in range(threads)]
        try:
            for t in workers:
                t.start()
            for t in workers:
                t.join(120)
            self.assertFalse(any(t.is_alive() for t in workers), "%s: preads still running after 120 s" % rel)
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
