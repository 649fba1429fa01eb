"""Content: every file read through the mount is byte-identical to the session download.

Ground truth is a tree downloaded straight from atd (one session per day and per hour):
day/hour .json = the inflated download, .json.gz = the raw download. Then the usual
tools run over the mount: cmp, cat, grep -c, jq, wc -l, head, tail, cp, rsync, find.
"""

import os
import subprocess
import unittest
from concurrent.futures import ThreadPoolExecutor

from fixture import MountTestCase

LINKS = {"today.json", "yesterday.json"}


class ContentTest(MountTestCase):
    WORLD = dict(spaces=2, days=8, events_per_day=150)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.truth = cls.world.truth_tree()

    def truth_files(self, domain):
        """Relative names of every truth file of a domain, sorted."""
        root = os.path.join(self.truth, domain.rel)
        names = []
        for folder, _, files in os.walk(root):
            names += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        return sorted(names)

    def test_truth_matches_status(self):
        # The ground truth itself agrees with GET /v3/events (sizes), or the rest means nothing.
        for domain in self.world.domains:
            sizes = self.world.expected_files(domain)
            for name in self.truth_files(domain):
                with self.subTest(file=os.path.join(domain.rel, name)):
                    self.assertEqual(os.path.getsize(os.path.join(self.truth, domain.rel, name)), sizes[name])

    def test_cmp_every_file(self):
        # Four cmp at a time: a small file costs a session round trip, mostly waiting.
        jobs = []
        for domain in self.world.domains:
            for name in self.truth_files(domain):
                jobs.append((os.path.join(self.truth, domain.rel, name), self.p(domain.rel, name)))
        self.assertGreater(len(jobs), 500)
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda job: cmp(*job), jobs))
        bad = [(got, out) for (_, got), out in zip(jobs, results) if out is not None]
        self.assertEqual(bad, [], "%d of %d files differ" % (len(bad), len(jobs)))

    def days(self, domain):
        return self.world.status(domain)

    def test_cat_wc_grep(self):
        for domain in self.world.domains:
            for day in self.days(domain)[:10]:
                path = self.p(domain.rel, day["date"] + ".json")
                with self.subTest(file=path):
                    want = self.truth_bytes(domain, day["date"] + ".json")
                    self.assertEqual(sh(["cat", path]), want)
                    self.assertEqual(int(sh(["wc", "-l", path]).split()[0]), day["count"])
                    self.assertEqual(int(sh(["grep", "-c", '"eventTime"', path])), day["count"])
                    self.assertEqual(sh(["head", "-1", path]), want.split(b"\n")[0] + b"\n")
                    last5 = b"\n".join(want.split(b"\n")[-6:])
                    self.assertEqual(sh(["tail", "-n", "5", path]), last5)

    def test_jq_lines_are_valid_json(self):
        for domain in self.world.domains:
            day = self.days(domain)[-1]
            path = self.p(domain.rel, day["date"] + ".json")
            out = sh(["jq", "-c", ".", path])
            self.assertEqual(out.count(b"\n"), day["count"])
            ids = sh(["jq", "-r", ".id", path]).split(b"\n")[:-1]
            self.assertEqual(len(ids), day["count"])
            times = sh(["jq", "-r", ".eventTime", path]).split(b"\n")[:-1]
            self.assertEqual(times, sorted(times), "events in eventTime order")

    def test_zcat_of_gz_equals_json(self):
        domain = self.world.space_domains()[0]
        for day in self.days(domain)[:5]:
            path = self.p(domain.rel, day["date"] + ".json.gz")
            self.assertEqual(sh(["gzip", "-dc", path]), self.truth_bytes(domain, day["date"] + ".json"))

    def truth_bytes(self, domain, name):
        with open(os.path.join(self.truth, domain.rel, name), "rb") as f:
            return f.read()

    def test_cp_recursive_of_a_space(self):
        domain = self.world.space_domains()[0]
        dest = os.path.join(self.world.tmp, "cp-copy")
        fresh = self.world.mount()  # nothing of it in the page cache yet
        sh(["cp", "-r", fresh.path(domain.rel), dest])
        self.assertEqual(fresh.unmount(), 0, fresh.log())
        self.compare_copy(domain, dest)

    def test_rsync_of_a_space(self):
        domain = self.world.space_domains()[-1]
        dest = os.path.join(self.world.tmp, "rsync-copy")
        fresh = self.world.mount()
        sh(["rsync", "-a", fresh.path(domain.rel) + "/", dest + "/"])
        self.assertEqual(fresh.unmount(), 0, fresh.log())
        self.compare_copy(domain, dest)

    def compare_copy(self, domain, dest):
        """Every truth file is in the copy, byte-identical; the copy has nothing else but the links."""
        names = self.truth_files(domain)
        for name in names:
            done = subprocess.run(["cmp", os.path.join(self.truth, domain.rel, name), os.path.join(dest, name)],
                                  capture_output=True, timeout=60)
            self.assertEqual(done.returncode, 0, (name, done.stdout + done.stderr))
        copied = set()
        for folder, _, files in os.walk(dest):
            copied |= {os.path.relpath(os.path.join(folder, f), dest) for f in files}
        self.assertEqual(copied - LINKS, set(names))

    def test_find_name_json(self):
        domain = self.world.domains[0]
        out = sh(["find", self.p(domain.rel), "-name", "*.json"]).decode().split()
        got = {os.path.relpath(p, self.p(domain.rel)) for p in out}
        want = {n for n in self.truth_files(domain) if n.endswith(".json")} | LINKS
        self.assertEqual(got, want)


def cmp(want, got):
    """None when identical, else cmp's message."""
    done = subprocess.run(["cmp", want, got], capture_output=True, timeout=120)
    return None if done.returncode == 0 else (done.stdout + done.stderr).decode(errors="replace")


def sh(argv):
    done = subprocess.run(argv, capture_output=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (argv, done.returncode, done.stderr.decode(errors="replace")[:500]))
    return done.stdout


if __name__ == "__main__":
    unittest.main()
