"""Load (issue 10): many more readers than session slots, as an SRE runs them with xargs over
the files of one space. Every reader must finish with the right byte count and none may get
EIO: readers queued for a slot must not hold what the readers owning a slot need (the
kernel's background requests, libfuse's workers).

Each run uses a fresh mount, so the page cache is cold without dropping it."""

import os
import signal
import subprocess
import time
import unittest

from fixture import MountTestCase

# Each reader prints "BYTES PATH"; cat reads every byte (wc -c alone would only fstat).
READER = 'n=$(cat "$0" | wc -c) && echo "$n $0"'


def xargs_read(folder, names, parallel, timeout):
    """cat | wc -c over names with xargs -P; returns (seconds, {name: bytes}, stderr, timed out)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        ["xargs", "-0", "-n1", "-P%d" % parallel, "sh", "-c", READER],
        cwd=folder,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate("\0".join(names).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    elapsed = time.monotonic() - start
    counts = {}
    for line in out.decode(errors="replace").splitlines():
        size, _, name = line.partition(" ")
        counts[name] = int(size)
    return elapsed, counts, err.decode(errors="replace"), timed_out


class ManyReadersTest(MountTestCase):
    # ~2.5 MB days, 24 hours each: 20 day files and 480 hour files in the space.
    WORLD = dict(spaces=1, days=20, events_per_day=20000, seed=7)
    SESSION_BOUND = 10.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        files = cls.world.expected_files(cls.domain)
        cls.sizes = {name: size for name, size in files.items() if name.endswith(".json")}
        cls.days = sorted(name for name in cls.sizes if "/" not in name)

    def run_readers(self, options, names, parallel, timeout):
        mount = self.world.mount(options=options)
        try:
            elapsed, counts, err, timed_out = xargs_read(mount.path(self.domain.rel), names, parallel, timeout)
        finally:
            mount.close()
        finished = len(counts)
        print(
            "\n%d readers (-P%d, %s): %d of %d finished in %.2f s, %d EIO"
            % (len(names), parallel, options, finished, len(names), elapsed, err.count("Input/output error")),
            flush=True,
        )
        self.assertFalse(timed_out, "xargs -P%d did not finish within %d s; %d of %d done; stderr:\n%s"
                         % (parallel, timeout, finished, len(names), err[-2000:]))
        self.assertEqual(err.strip(), "", "readers failed")
        wrong = {n: (counts.get(n), self.sizes[n]) for n in names if counts.get(n) != self.sizes[n]}
        self.assertEqual(wrong, {}, "byte counts (got, want) that differ")
        return elapsed

    def test_40_readers_on_one_session_slot(self):
        # The reproduction: -P40 over the day files with max_sessions=1 stopped at
        # 131072 bytes out and sat for the whole gate timeout.
        self.run_readers("max_sessions=1", self.days, 40, timeout=90)

    def test_200_readers_over_500_files_on_8_slots(self):
        names = sorted(self.sizes)
        self.assertGreaterEqual(len(names), 500)
        self.run_readers("max_sessions=8", names, 200, timeout=180)


if __name__ == "__main__":
    unittest.main()
