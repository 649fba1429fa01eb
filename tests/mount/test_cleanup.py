"""Cleanup: no session is ever left behind on atd — after close, after head -1 of a big
file, after unmount, after kill -9 + lazy unmount + remount; and a mount never deletes
a session it did not create."""

import json
import os
import subprocess
import unittest

from atfs_mount import SESSION_TAG_PREFIX, atfs_sessions, is_mounted
from fixture import MountTestCase
from processes import wait_until
from reader_process import Reader

RELEASE_BOUND = 5.0  # seconds after close/unmount
REMOUNT_BOUND = 15.0  # seconds for a new mount to delete a dead mount's leftovers


class CleanupTest(MountTestCase):
    WORLD = dict(spaces=2, days=6, events_per_day=100, big_mb=20)
    # The tests watch sessions come and go: hours in the disk cache would need none.
    MOUNT_OPTIONS = "cache=off"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        cls.big = os.path.join(cls.domain.rel, cls.world.big_day + ".json")

    def test_open_read_close_releases(self):
        for domain in self.world.domains:
            day = self.world.status(domain)[0]["date"]
            with open(self.p(domain.rel, day + ".json"), "rb") as f:
                f.read(100)
            self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [], domain.rel)

    def test_session_is_tagged_while_open(self):
        # The .gz of the big day: no other test reads it, so no page is in the kernel's
        # cache (atfs keeps the cache of past days across opens) and the read needs a session.
        with open(self.p(self.big + ".gz"), "rb") as f:
            f.read(4096)
            live = wait_until(lambda: self.world.sessions(), RELEASE_BOUND)
            self.assertEqual(len(live), 1, live)
            self.assertTrue(str(live[0].get("tag", "")).startswith(SESSION_TAG_PREFIX), live[0])
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [])

    def test_control_files_show_the_live_session(self):
        # .atfs/sessions.json lists what atd lists while a file is open; stats balance after.
        hour = self.world.status(self.domain)[1]["hours"][0]["hour"]
        day = self.world.status(self.domain)[1]["date"]
        with open(self.p(self.domain.rel, day, "%02d.json.gz" % hour), "rb") as f:
            f.read(10)
            live = wait_until(lambda: self.world.sessions(), RELEASE_BOUND)
            with open(self.p(".atfs", "sessions.json")) as c:
                listed = json.load(c)
            self.assertEqual([s["id"] for s in live], [s["id"] for s in listed], listed)
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [])
        with open(self.p(".atfs", "sessions.json")) as c:
            self.assertEqual(json.load(c), [])
        with open(self.p(".atfs", "stats.json")) as c:
            stats = json.load(c)
        self.assertEqual(stats["sessions_created"], stats["sessions_deleted"], stats)

    def test_head_of_big_file_releases(self):
        with open(self.p(self.big), "rb") as f:
            first_line = f.readline()
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [])
        done = subprocess.run(["head", "-1", self.p(self.big)], capture_output=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, first_line)
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [], "head -1 left its session")

    def test_unmount_releases_open_files(self):
        mnt = self.world.mount()
        reader = Reader(mnt.path(self.big), 1 << 20)
        self.assertTrue(reader.wait_started())
        self.assertTrue(wait_until(lambda: atfs_sessions(self.world.sessions()), RELEASE_BOUND))
        subprocess.run(["fusermount3", "-uz", mnt.mountpoint], timeout=30)
        reader.close()  # the last reference goes: atfs gets destroy and exits
        try:
            mnt.proc.wait(30)
        finally:
            mnt.close()
        self.assertEqual(mnt.proc.returncode, 0, mnt.log())
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [])

    def test_kill9_then_remount_deletes_leftovers(self):
        mnt = self.world.mount()
        reader = Reader(mnt.path(self.big), 1 << 20)
        self.assertTrue(reader.wait_started())
        mnt.kill9()
        reader.close()
        subprocess.run(["fusermount3", "-uz", mnt.mountpoint], timeout=30)
        self.assertFalse(is_mounted(mnt.mountpoint))
        leftovers = atfs_sessions(self.world.sessions())
        self.assertTrue(leftovers, "a killed atfs should have left its session behind (precondition)")

        mine = self.world.client.create_session(self.domain, self.world.first_day, self.world.first_day)
        try:
            mnt.start()  # the same mountpoint, a new atfs
            left = wait_until(lambda: not atfs_sessions(self.world.sessions()), REMOUNT_BOUND, 0.2)
            ids = [s["id"] for s in self.world.sessions()]
            self.assertTrue(left, "leftovers still listed: %r" % atfs_sessions(self.world.sessions()))
            self.assertIn(mine["id"], ids, "the remount deleted a session atfs did not create")
            mnt.unmount()
            self.assertIn(mine["id"], [s["id"] for s in self.world.sessions()])
        finally:
            self.world.client.delete_session(mine["id"], self.domain.project)

    def test_foreign_sessions_survive_a_mount(self):
        untagged = self.world.client.create_session(self.domain, self.world.first_day, self.world.first_day)
        tagged = self.world.client.create_session(
            self.domain, self.world.first_day, self.world.first_day, tag="my-script"
        )
        try:
            mnt = self.world.mount()
            day = self.world.status(self.domain)[-1]["date"]
            with open(mnt.path(self.domain.rel, day + ".json"), "rb") as f:
                f.read()
            self.assertEqual(mnt.unmount(), 0)
            ids = {s["id"] for s in self.world.sessions()}
            self.assertIn(untagged["id"], ids)
            self.assertIn(tagged["id"], ids)
        finally:
            for session in (untagged, tagged):
                self.world.client.delete_session(session["id"], self.domain.project)

    def test_new_mount_spares_a_live_mounts_sessions(self):
        # Two mounts of the same user at once: starting the second must not delete the
        # session the first is reading from (its atfs is alive), and the read stays exact.
        reader = Reader(self.p(self.big), 1 << 20)
        self.assertTrue(reader.wait_started())
        live = atfs_sessions(self.world.sessions())
        self.assertEqual(len(live), 1, live)
        second = self.world.mount()
        try:
            wait_until(lambda: False, 2)  # give its start-up cleanup time to run
            self.assertIn(live[0]["id"], [s["id"] for s in self.world.sessions()])
        finally:
            second.unmount()
        reader.go()
        result = reader.result(120)
        self.assertEqual(result, {"errno": 0, "bytes": os.path.getsize(self.p(self.big))})

    def test_unmount_leaves_nothing(self):
        mnt = self.world.mount()
        for domain in self.world.domains:
            for day in self.world.status(domain)[:3]:
                with open(mnt.path(domain.rel, day["date"] + ".json"), "rb") as f:
                    f.read(1000)
        self.assertEqual(mnt.unmount(), 0, mnt.log())
        self.assertEqual(self.world.wait_no_sessions(timeout=RELEASE_BOUND), [])


if __name__ == "__main__":
    unittest.main()
