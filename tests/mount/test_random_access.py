"""Random access: seek/read at random offsets, mmap, tail -c and backward reads on a
~20 MB day and on small files, all compared with the session download."""

import mmap
import os
import random
import subprocess
import unittest

from fixture import MountTestCase, World


class RandomAccessTest(MountTestCase):
    WORLD = dict(days=10, events_per_day=150, big_mb=20)

    # atfs keeps the kernel's page cache of past days across opens: every test gets a
    # fresh mount, so its reads really go to atfs and not to pages an earlier test left.
    @classmethod
    def setUpClass(cls):
        cls.world = World(**cls.WORLD)
        cls.big_domain = cls.world.space_domains()[0]
        cls.big_rel = os.path.join(cls.big_domain.rel, cls.world.big_day + ".json")
        cls.big = cls.world.client.download(cls.big_domain, cls.world.big_day)
        cls.small_domain = cls.world.domains[0]
        cls.small_day = cls.world.status(cls.small_domain)[-1]["date"]
        cls.small = cls.world.client.download(cls.small_domain, cls.small_day)

    def setUp(self):
        self.mnt = self.world.mount()

    def tearDown(self):
        self.assertEqual(self.mnt.unmount(), 0, self.mnt.log())
        super().tearDown()

    def test_big_file_is_big(self):
        self.assertGreater(len(self.big), 18 << 20)
        self.assertEqual(os.path.getsize(self.p(self.big_rel)), len(self.big))

    def test_random_seek_read_big(self):
        self.random_reads(self.p(self.big_rel), self.big, seed=1, reads=60)

    def test_random_seek_read_small(self):
        self.random_reads(self.p(self.small_domain.rel, self.small_day + ".json"), self.small, seed=2, reads=100)

    def random_reads(self, path, want, seed, reads):
        rng = random.Random(seed)
        with open(path, "rb", buffering=0) as f:
            for _ in range(reads):
                offset = rng.randrange(0, len(want) + 10)
                size = rng.choice([1, 17, 4096, 65536, 300000])
                f.seek(offset)
                got = f.read(size)
                self.assertEqual(got, want[offset : offset + size], "read(%d) at %d" % (size, offset))

    def test_pread_unbuffered_fd(self):
        rng = random.Random(3)
        fd = os.open(self.p(self.big_rel), os.O_RDONLY)
        try:
            for _ in range(40):
                offset = rng.randrange(0, len(self.big))
                self.assertEqual(os.pread(fd, 8192, offset), self.big[offset : offset + 8192], offset)
        finally:
            os.close(fd)

    def test_mmap_big(self):
        with open(self.p(self.big_rel), "rb") as f:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                self.assertEqual(len(m), len(self.big))
                rng = random.Random(4)
                for _ in range(30):
                    offset = rng.randrange(0, len(self.big))
                    self.assertEqual(m[offset : offset + 5000], self.big[offset : offset + 5000], offset)
                self.assertEqual(m[-1000:], self.big[-1000:])
                self.assertEqual(m[:], self.big)

    def test_tail_c(self):
        for n in (1, 100, 100000, 5 << 20):
            done = subprocess.run(["tail", "-c", str(n), self.p(self.big_rel)], capture_output=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout, self.big[-n:], n)

    def test_read_backward(self):
        chunk = 1 << 20
        parts = []
        with open(self.p(self.big_rel), "rb", buffering=0) as f:
            offset = len(self.big)
            while offset > 0:
                start = max(0, offset - chunk)
                f.seek(start)
                parts.append(f.read(offset - start))
                offset = start
        self.assertEqual(b"".join(reversed(parts)), self.big)

    def test_gz_random_access(self):
        raw = self.world.client.download_gz(self.big_domain, self.world.big_day)
        with open(self.p(self.big_rel + ".gz"), "rb", buffering=0) as f:
            for offset in (len(raw) - 10, 0, len(raw) // 2, 12345):
                f.seek(offset)
                self.assertEqual(f.read(100000), raw[offset : offset + 100000], offset)

    def test_two_handles_interleaved(self):
        path = self.p(self.big_rel)
        with open(path, "rb", buffering=0) as a, open(path, "rb", buffering=0) as b:
            b.seek(len(self.big) // 2)
            for i in range(10):
                pos_a, pos_b = a.tell(), b.tell()
                self.assertEqual(a.read(65536), self.big[pos_a : pos_a + 65536], i)
                self.assertEqual(b.read(65536), self.big[pos_b : pos_b + 65536], i)


if __name__ == "__main__":
    unittest.main()
