"""Many mounts, one quota (issue 10): the service's 30-session limit is per user and space,
not per mount. Four mounts of the same user on this machine (4 x max_sessions 8 = 32 > 30),
each with 30 readers over the same space: every reader finishes with the right bytes and
no EIO (429s are waited out as Retry-After says), and no mount is starved."""

import os
import signal
import subprocess
import time
import unittest

from fixture import MountTestCase
from test_load import READER

MOUNTS = 4
READERS = 30
BOUND = 300  # seconds for all four runs together


class FourMountsOneQuotaTest(MountTestCase):
    WORLD = dict(spaces=1, days=20, events_per_day=20000, seed=7)
    SESSION_BOUND = 10.0

    def test_four_mounts_share_the_quota_without_eio_or_starving(self):
        domain = self.world.space_domains()[0]
        sizes = {n: s for n, s in self.world.expected_files(domain).items() if n.endswith(".json")}
        names = sorted(sizes)[:120]  # day and hour files of the first days
        mounts = [self.world.mount(options="max_sessions=8") for _ in range(MOUNTS)]
        procs = []
        for m in mounts:
            start = time.monotonic()
            proc = subprocess.Popen(
                ["xargs", "-0", "-n1", "-P%d" % READERS, "sh", "-c", READER],
                cwd=m.path(domain.rel),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            proc.stdin.write("\0".join(names).encode())
            proc.stdin.close()
            procs.append((proc, start))
        deadline = time.monotonic() + BOUND
        results = []
        try:
            for proc, start in procs:
                try:
                    out = proc.stdout.read()  # EOF when xargs and its readers are done
                    err = proc.stderr.read()  # a few lines at most: no pipe fills up
                    proc.wait(max(1, deadline - time.monotonic()))
                    proc.stdout.close()
                    proc.stderr.close()
                except subprocess.TimeoutExpired:
                    self.fail("a mount's readers did not finish within %d s" % BOUND)
                results.append((time.monotonic() - start, out.decode(), err.decode(errors="replace")))
        finally:
            for proc, _ in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
            for m in mounts:
                m.close()
        times = [t for t, _, _ in results]
        print("\n%d mounts x %d readers over %d files: %s s" % (MOUNTS, READERS, len(names),
                                                                 ", ".join("%.2f" % t for t in times)))
        for i, (_, out, err) in enumerate(results):
            self.assertEqual(err.strip(), "", "mount %d: readers failed" % i)
            counts = {}
            for line in out.splitlines():
                size, _, name = line.partition(" ")
                counts[name] = int(size)
            wrong = {n: (counts.get(n), sizes[n]) for n in names if counts.get(n) != sizes[n]}
            self.assertEqual(wrong, {}, "mount %d: byte counts (got, want) that differ" % i)
        # No mount starved: not a speed check, the ratio of the four to each other.
        self.assertLessEqual(max(times), 2 * min(times), "slowest mount over twice the fastest")


if __name__ == "__main__":
    unittest.main()
