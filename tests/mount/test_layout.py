"""Layout: the mount's folders and files match what atd reports, and metadata is free.

Every domain lists exactly the days (and hours) GET /v3/events reports, with exact
st_size; today.json/yesterday.json point at the right day; walking the whole mount with
ls -l, find and stat never creates a session.
"""

import json
import os
import stat
import subprocess
import time
import unittest

from counting_proxy import CountingProxy
from dataset import shift_day, utc_today
from fixture import MountTestCase, World
from live_events import now_event

LINKS = {"today.json", "yesterday.json"}


class LayoutTest(MountTestCase):
    @classmethod
    def setUpClass(cls):
        # The mount talks to atd through a counting proxy: we see every session it creates.
        cls.world = World()
        cls.proxy = CountingProxy(cls.world.atd.port)
        cls.mnt = cls.world.mount(endpoint=cls.proxy.endpoint)

    def dirpath(self, domain, *parts):
        return self.p(domain.rel, *parts)

    def test_top_level(self):
        names = set(os.listdir(self.mnt.mountpoint))
        self.assertTrue({"account", "spaces"} <= names, names)
        self.assertTrue(os.path.isdir(self.p(".atfs")))
        spaces = self.world.client.spaces()["spaces"]
        self.assertEqual(set(os.listdir(self.p("spaces"))), {s["org"] for s in spaces})
        for org in {s["org"] for s in spaces}:
            want = {s["name"] for s in spaces if s["org"] == org}
            self.assertEqual(set(os.listdir(self.p("spaces", org))), want)

    def test_days_listed_exactly(self):
        for domain in self.world.domains:
            with self.subTest(domain=domain.rel):
                days = [d["date"] for d in self.world.status(domain)]
                self.assertTrue(days, "the demo data should have days in %s" % domain.rel)
                want = set(LINKS)
                for day in days:
                    want |= {day + ".json", day + ".json.gz", day}
                self.assertEqual(set(os.listdir(self.dirpath(domain))), want)

    def test_hours_listed_exactly(self):
        for domain in self.world.domains:
            for day in self.world.status(domain):
                hours = ["%02d" % h["hour"] for h in day["hours"]]
                want = {h + ".json" for h in hours} | {h + ".json.gz" for h in hours}
                with self.subTest(domain=domain.rel, day=day["date"]):
                    self.assertEqual(set(os.listdir(self.dirpath(domain, day["date"]))), want)

    def test_sizes_equal_service_sizes(self):
        for domain in self.world.domains:
            for name, size in sorted(self.world.expected_files(domain).items()):
                with self.subTest(file=os.path.join(domain.rel, name)):
                    st = os.stat(self.dirpath(domain, name))
                    self.assertTrue(stat.S_ISREG(st.st_mode), oct(st.st_mode))
                    self.assertEqual(st.st_size, size)

    def test_day_folders_are_directories(self):
        for domain in self.world.domains:
            for day in self.world.status(domain):
                st = os.lstat(self.dirpath(domain, day["date"]))
                self.assertTrue(stat.S_ISDIR(st.st_mode), day["date"])

    def test_today_yesterday_symlinks(self):
        for domain in self.world.domains:
            with self.subTest(domain=domain.rel):
                check_links(self, self.dirpath(domain))

    def test_walk_creates_no_session(self):
        before = self.proxy.count("POST", "/v3/sessions")
        root = self.mnt.mountpoint
        run(["ls", "-lR", root])
        run(["ls", "-la", self.p("account"), self.p(".atfs")])
        found = run(["find", root, "-printf", "%p %s %y\n"]).splitlines()
        self.assertGreater(len(found), 100)
        paths = [line.rsplit(" ", 2)[0] for line in found]
        for start in range(0, len(paths), 200):
            run(["stat", "--"] + paths[start : start + 200])
        for path in paths:
            os.lstat(path)
        self.assertEqual(self.proxy.count("POST", "/v3/sessions"), before, "metadata created sessions")
        self.assertEqual(self.world.sessions(), [])

    def test_control_files_are_json(self):
        before = self.proxy.count("POST", "/v3/sessions")
        for name in ("status.json", "sessions.json", "stats.json"):
            with self.subTest(name=name):
                with open(self.p(".atfs", name), "rb") as f:
                    json.loads(f.read())
        self.assertEqual(self.proxy.count("POST", "/v3/sessions"), before)

    def test_reading_a_file_goes_through_one_session(self):
        domain = self.world.space_domains()[0]
        day = self.world.status(domain)[0]["date"]
        before = self.proxy.count("POST", "/v3/sessions")
        with open(self.dirpath(domain, day + ".json"), "rb") as f:
            f.read()
        self.assertEqual(self.proxy.count("POST", "/v3/sessions"), before + 1)


class TodayTest(MountTestCase):
    """A small dataset whose last day is today: today.json/yesterday.json resolve to it."""

    WORLD = dict(spaces=1, days=3, events_per_day=40, seed=5, last_day=utc_today())

    def test_links_point_at_today_and_yesterday(self):
        for domain in self.world.domains:
            with self.subTest(domain=domain.rel):
                check_links(self, self.p(domain.rel))

    def test_today_and_yesterday_content(self):
        domain = self.world.space_domains()[0]
        # The demo writes nothing after the moment it ran: early in the UTC day today may
        # hold no event of this small dataset yet, so give it one.
        self.world.client.ingest(domain, now_event("layout-today", seconds_ago=5))
        time.sleep(2.5)  # past today's 2 s metadata TTL
        for link, delta in (("today.json", 0), ("yesterday.json", -1)):
            with self.subTest(link=link):
                before = utc_today()
                with open(self.p(domain.rel, link), "rb") as f:
                    got = f.read()
                days = {shift_day(before, delta), shift_day(utc_today(), delta)}
                truths = [self.world.client.download(domain, d) for d in sorted(days)]
                self.assertTrue(got, "the dataset has events %s" % link)
                self.assertIn(got, truths)
                st = os.stat(self.p(domain.rel, link))
                self.assertEqual(st.st_size, len(got))


def check_links(test, folder):
    """today.json -> today's file, yesterday.json -> yesterday's, in the same folder."""
    for name, delta in (("today.json", 0), ("yesterday.json", -1)):
        before = utc_today()
        link = os.path.join(folder, name)
        test.assertTrue(os.path.islink(link), link)
        target = os.readlink(link)
        resolved = os.path.normpath(os.path.join(folder, target))
        days = {shift_day(before, delta), shift_day(utc_today(), delta)}
        test.assertIn(resolved, {os.path.join(folder, d + ".json") for d in days}, target)


def run(argv):
    done = subprocess.run(argv, capture_output=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError("%s failed: %s" % (argv[0], done.stderr.decode(errors="replace")[:500]))
    return done.stdout.decode(errors="replace")


if __name__ == "__main__":
    unittest.main()
