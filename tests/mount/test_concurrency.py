"""Concurrency: many threads reading different files and the same file at once get the
exact bytes; with max_sessions=2, ten concurrent readers queue and none fails, and atfs
never holds more than two live sessions."""

import os
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from atfs_mount import atfs_sessions
from fixture import MountTestCase


def read_all(path, chunk=65536, pause=0.0):
    parts = []
    with open(path, "rb", buffering=0) as f:
        while True:
            data = f.read(chunk)
            if not data:
                return b"".join(parts)
            parts.append(data)
            if pause:
                time.sleep(pause)


def run_together(jobs):
    """Runs every job in its own thread, all released at once; returns results or exceptions."""
    barrier = threading.Barrier(len(jobs))

    def start(job):
        barrier.wait(30)
        try:
            return job()
        except Exception as err:  # reported, compared below
            return err

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(start, jobs))


class ConcurrencyTest(MountTestCase):
    WORLD = dict(days=20, events_per_day=200)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = []  # (relative path, truth bytes)
        client = cls.world.client
        for domain in cls.world.domains:
            days = cls.world.status(domain)
            for day in days[:4]:
                cls.files.append((os.path.join(domain.rel, day["date"] + ".json"), client.download(domain, day["date"])))
            day = days[5]
            hour = day["hours"][0]["hour"]
            rel = os.path.join(domain.rel, day["date"], "%02d.json" % hour)
            cls.files.append((rel, client.download(domain, day["date"], day["date"], hour)))
            raw = client.download_gz(domain, days[6]["date"])
            cls.files.append((os.path.join(domain.rel, days[6]["date"] + ".json.gz"), raw))

    def check(self, results, wants):
        for i, (got, want) in enumerate(zip(results, wants)):
            self.assertNotIsInstance(got, Exception, "reader %d: %r" % (i, got))
            self.assertEqual(len(got), len(want), "reader %d" % i)
            self.assertEqual(got, want, "reader %d" % i)

    def test_16_readers_across_files(self):
        picks = [self.files[i % len(self.files)] for i in range(16)]
        results = run_together([lambda rel=rel: read_all(self.p(rel), 8192) for rel, _ in picks])
        self.check(results, [want for _, want in picks])

    def test_16_readers_same_file(self):
        rel, want = self.files[0]
        results = run_together([lambda i=i: read_all(self.p(rel), 4096 * (1 + i % 4)) for i in range(16)])
        self.check(results, [want] * 16)

    def test_40_readers_one_space_over_the_service_limit(self):
        # atd allows 30 live sessions per user and space, then 429 + Retry-After:
        # atfs must wait and retry, never fail the read.
        domain = self.world.space_domains()[0]
        picks = [(rel, want) for rel, want in self.files if rel.startswith(domain.rel)]
        picks = [picks[i % len(picks)] for i in range(40)]
        results = run_together([lambda rel=rel: read_all(self.p(rel), 4096, 0.01) for rel, _ in picks])
        self.check(results, [want for _, want in picks])


class MaxSessionsTest(MountTestCase):
    WORLD = dict(spaces=1, days=12, events_per_day=300)
    MOUNT_OPTIONS = "max_sessions=2"

    def test_ten_readers_queue_on_two_sessions(self):
        domain = self.world.space_domains()[0]
        days = [d["date"] for d in self.world.status(domain)][:10]
        wants = [self.world.client.download(domain, day) for day in days]
        peak = [0]
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                live = atfs_sessions(self.world.sessions())
                peak[0] = max(peak[0], len(live))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            paths = [self.p(domain.rel, day + ".json") for day in days]
            results = run_together([lambda path=path: read_all(path, 16384, 0.02) for path in paths])
        finally:
            stop.set()
            watcher.join()
        self.check_results(results, wants)
        self.assertGreater(peak[0], 0, "the watcher should have seen atfs sessions")
        self.assertLessEqual(peak[0], 2, "max_sessions=2 but atd saw %d live atfs sessions" % peak[0])

    def check_results(self, results, wants):
        for i, (got, want) in enumerate(zip(results, wants)):
            self.assertNotIsInstance(got, Exception, "reader %d: %r" % (i, got))
            self.assertEqual(got, want, "reader %d" % i)


if __name__ == "__main__":
    unittest.main()
