"""Timestamps are the data's, not the clock's: with nothing ingested, every mtime, ctime and
size under a space stays put (so tar and a second rsync see no change); an ingest moves the
changed files and their folders, and nothing else."""

import os
import subprocess
import time

from dataset import utc_today
from fixture import MountTestCase
from live_events import now_event, utc_hour

TODAY_TTL = 2.0  # atfs's attribute TTL for anything that includes today


def snapshot(root):
    """{relative path: (mtime, ctime, size)} of everything under root, links not followed."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files + ["."]:
            path = os.path.normpath(os.path.join(folder, name))
            st = os.lstat(path)
            out[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size)
    return out


class TimestampTest(MountTestCase):
    # Days up to today: today's files and folders are the ones that used to follow the clock.
    WORLD = dict(spaces=1, days=3, events_per_day=400, seed=3, last_day=None)

    def space(self):
        return self.p(self.world.space_domains()[0].rel)

    def test_nothing_moves_when_nothing_changed(self):
        before = snapshot(self.space())
        self.assertIn(utc_today() + ".json", before)
        time.sleep(TODAY_TTL + 1.2)  # past the attribute TTL and into another second
        after = snapshot(self.space())
        moved = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
        self.assertEqual(moved, {}, "entries changed although no event arrived")

    def test_tar_of_a_space_exits_0(self):
        out = os.path.join(self.world.tmp, "space.tar")
        done = subprocess.run(["tar", "-cf", out, "-C", self.space(), "."], capture_output=True,
                              timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr.decode(errors="replace"))

    def test_second_rsync_lists_nothing(self):
        dst = os.path.join(self.world.tmp, "rsync-copy")
        first = subprocess.run(["rsync", "-a", self.space() + "/", dst + "/"], capture_output=True,
                               timeout=120)
        self.assertEqual(first.returncode, 0, first.stderr.decode(errors="replace"))
        time.sleep(TODAY_TTL + 1.2)
        second = subprocess.run(["rsync", "-a", "--itemize-changes", self.space() + "/", dst + "/"],
                                capture_output=True, timeout=120)
        self.assertEqual(second.returncode, 0, second.stderr.decode(errors="replace"))
        self.assertEqual(second.stdout.decode(), "", "rsync saw changes although none happened")

    def test_ingest_moves_the_changed_file_and_its_folders_only(self):
        domain = self.world.space_domains()[0]
        today = utc_today()
        hour = "%02d.json" % utc_hour()
        changed = [".", today + ".json", today, os.path.join(today, hour)]
        others = [d["date"] + ".json" for d in self.world.status(domain) if d["date"] != today]
        others += [d["date"] for d in self.world.status(domain) if d["date"] != today]
        self.assertTrue(others, "the dataset should hold days before today")
        before = {n: os.stat(os.path.join(self.space(), n)).st_mtime for n in others + changed[:3]}
        size = os.stat(os.path.join(self.space(), today + ".json")).st_size
        time.sleep(1.1)  # the ingested event is at least a second newer than anything stored
        self.assertEqual(self.world.client.ingest(domain, now_event("ts")), 1)
        deadline = time.monotonic() + 10
        while os.stat(os.path.join(self.space(), today + ".json")).st_size == size:
            self.assertLess(time.monotonic(), deadline, "today's size did not grow within 10 s")
            time.sleep(0.2)
        for name in changed:
            st = os.stat(os.path.join(self.space(), name))
            with self.subTest(changed=name):
                self.assertGreater(st.st_mtime, before.get(name, 0) if name != changed[3] else 0)
                self.assertGreater(st.st_mtime, time.time() - 30)
        for name in others:
            with self.subTest(unchanged=name):
                self.assertEqual(os.stat(os.path.join(self.space(), name)).st_mtime, before[name])
