"""Errors: the mount is read-only (EROFS), the account domain needs account access
(EACCES), and a service that dies mid-read turns into EIO within a bound, not a hang."""

import errno
import os
import signal
import subprocess
import unittest

from atd_client import AUDITOR_KEY
from fixture import MountTestCase, World
from reader_process import Reader

EIO_BOUND = 90  # seconds a read may take to fail once atd is gone


class ReadOnlyTest(MountTestCase):
    WORLD = dict(spaces=1, days=5, events_per_day=50)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        cls.day = cls.world.status(cls.domain)[0]["date"]

    def day_path(self, suffix=".json"):
        return self.p(self.domain.rel, self.day + suffix)

    def assertErrno(self, code, func, *args):
        with self.assertRaises(OSError) as ctx:
            func(*args)
        self.assertEqual(
            ctx.exception.errno, code, "%s%r: %s" % (func.__name__, args, errno.errorcode.get(ctx.exception.errno))
        )

    def test_open_for_writing(self):
        for flags in (os.O_WRONLY, os.O_RDWR, os.O_WRONLY | os.O_APPEND, os.O_WRONLY | os.O_TRUNC):
            with self.subTest(flags=flags):
                self.assertErrno(errno.EROFS, os.open, self.day_path(), flags)
        self.assertErrno(errno.EROFS, os.open, self.p(".atfs", "status.json"), os.O_WRONLY)

    def test_create(self):
        self.assertErrno(errno.EROFS, os.open, self.p(self.domain.rel, "new.json"), os.O_WRONLY | os.O_CREAT, 0o644)
        self.assertErrno(errno.EROFS, os.open, self.p("account", "new.txt"), os.O_WRONLY | os.O_CREAT, 0o644)
        self.assertErrno(errno.EROFS, os.mknod, self.p(self.domain.rel, "node"))

    def test_shell_redirect_fails(self):
        done = subprocess.run(["sh", "-c", 'echo x > "$1"', "sh", self.day_path()], capture_output=True, timeout=30)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"Read-only file system", done.stderr)

    def test_unlink(self):
        self.assertErrno(errno.EROFS, os.unlink, self.day_path())
        self.assertErrno(errno.EROFS, os.unlink, self.day_path(".json.gz"))
        self.assertErrno(errno.EROFS, os.unlink, self.p(self.domain.rel, "today.json"))
        self.assertTrue(os.path.exists(self.day_path()))

    def test_mkdir_rmdir(self):
        self.assertErrno(errno.EROFS, os.mkdir, self.p(self.domain.rel, "newdir"))
        self.assertErrno(errno.EROFS, os.mkdir, self.p("spaces", "neworg"))
        self.assertErrno(errno.EROFS, os.rmdir, self.p(self.domain.rel, self.day))

    def test_rename(self):
        self.assertErrno(errno.EROFS, os.rename, self.day_path(), self.p(self.domain.rel, "renamed.json"))
        self.assertErrno(errno.EROFS, os.rename, self.p(self.domain.rel, self.day), self.p(self.domain.rel, "x"))

    def test_symlink_and_link(self):
        self.assertErrno(errno.EROFS, os.symlink, "x", self.p(self.domain.rel, "link.json"))
        self.assertErrno(errno.EROFS, os.link, self.day_path(), self.p(self.domain.rel, "hard.json"))

    def test_truncate(self):
        self.assertErrno(errno.EROFS, os.truncate, self.day_path(), 0)
        self.assertEqual(os.path.getsize(self.day_path()), self.world.status(self.domain)[0]["size"])

    def test_write_on_a_read_handle(self):
        with open(self.day_path(), "rb", buffering=0) as f:
            with self.assertRaises(OSError):
                os.write(f.fileno(), b"x")


class AuditorTest(MountTestCase):
    """The auditor key sees the first space only and has no account access."""

    @classmethod
    def setUpClass(cls):
        cls.world = World(spaces=2, days=5, events_per_day=50)
        cls.mnt = cls.world.mount(apikey=AUDITOR_KEY)

    def tearDown(self):
        super().tearDown()
        self.assertEqual(self.world.wait_no_sessions(self.world.auditor), [], "auditor sessions left")

    def account_day(self):
        account = [d for d in self.world.domains if d.account][0]
        return self.world.status(account)[0]["date"]

    def test_account_is_eacces(self):
        with self.assertRaises(OSError) as ctx:
            os.listdir(self.p("account"))
        self.assertEqual(ctx.exception.errno, errno.EACCES)

    def test_account_file_is_eacces(self):
        path = self.p("account", self.account_day() + ".json")
        with self.assertRaises(OSError) as ctx:
            with open(path, "rb") as f:
                f.read()
        self.assertEqual(ctx.exception.errno, errno.EACCES)
        self.assertEqual(self.world.sessions(self.world.auditor), [])

    def test_sees_only_granted_space(self):
        granted = self.world.auditor.spaces()["spaces"]
        self.assertEqual(len(granted), 1)
        seen = []
        for org in os.listdir(self.p("spaces")):
            seen += [(org, name) for name in os.listdir(self.p("spaces", org))]
        self.assertEqual(seen, [(granted[0]["org"], granted[0]["name"])])

    def test_granted_space_reads(self):
        space = self.world.auditor.spaces()["spaces"][0]
        domain = [d for d in self.world.space_domains() if d.project == space["guid"]][0]
        day = self.world.status(domain)[-1]["date"]
        with open(self.p(domain.rel, day + ".json"), "rb") as f:
            self.assertEqual(f.read(), self.world.client.download(domain, day))


class ServiceDiesTest(MountTestCase):
    """SIGKILL atd while a big file is being read (the flow runs once, in setUpClass):
    the read fails with EIO within EIO_BOUND seconds; a read begun while atd is down
    fails too; once atd is back on its port and the mount is unmounted, no session of
    ours is left on the service."""

    WORLD = dict(spaces=1, days=3, events_per_day=50, big_mb=48)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.world.space_domains()[0]
        big = cls.mnt.path(domain.rel, cls.world.big_day + ".json")
        cls.size = os.path.getsize(big)
        other = cls.mnt.path(domain.rel, cls.world.status(domain)[-1]["date"] + ".json")
        reader = Reader(big, 1 << 20)
        cls.started = reader.wait_started()
        cls.world.atd.kill(signal.SIGKILL)
        reader.go()
        late = Reader(other, 1)  # opened while atd is down
        late.go()
        cls.mid = reader.result(EIO_BOUND)
        late.wait_started(EIO_BOUND)
        cls.late = late.result(EIO_BOUND)
        # Bring atd back on its port, then unmount: atfs must have deleted its session.
        cls.world.atd.restart_same_port()
        cls.code = cls.mnt.unmount()
        cls.left = cls.world.wait_no_sessions(timeout=10)
        for s in cls.left:  # so that tearDown reports only the test below
            cls.world.client.delete_session(s["id"], s["space"])

    def test_mid_read_fails_with_eio(self):
        self.assertTrue(self.started, "the first MiB never came")
        self.assertIsNotNone(self.mid, "the read hung more than %d s after atd died" % EIO_BOUND)
        self.assertNotEqual(self.mid["errno"], 0, "the whole %d-byte file was read after atd died" % self.size)
        self.assertEqual(self.mid["errno"], errno.EIO, self.mid)

    def test_read_while_down_fails_with_eio(self):
        self.assertIsNotNone(self.late, "a read begun while atd was down hung more than %d s" % EIO_BOUND)
        self.assertEqual(self.late["errno"], errno.EIO, self.late)

    def test_unmount_exit_status(self):
        self.assertEqual(self.code, 0, self.mnt.log()[-2000:])

    def test_no_session_left_after_restart_and_unmount(self):
        self.assertEqual(self.left, [], "\n" + self.mnt.log()[-2000:])

if __name__ == "__main__":
    unittest.main()
