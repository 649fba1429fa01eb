"""Query engines over the mount: DuckDB reads MNT/by-date/ with hive_partitioning. A GROUP BY
action over 30 days through the mount equals the same query over the downloaded files, and a
query filtered on one date opens only that date's files (.atfs/stats.json's files_opened).

DuckDB comes from npm (@duckdb/node-api ships its engine inside the package): the test
installs it once into ATFS_DUCKDB_DIR (CMake sets build/duckdb-node) unless it is there."""

import json
import os
import shutil
import subprocess
import sys
import unittest

from fixture import MountTestCase, World
from processes import find_bin

HERE = os.path.dirname(os.path.abspath(__file__))
NPM_PACKAGE = "@duckdb/node-api"


def duckdb_modules():
    folder = os.environ.get("ATFS_DUCKDB_DIR") or os.path.join(HERE, "..", "..", "build",
                                                               "duckdb-node")
    modules = os.path.join(folder, "node_modules")
    if not os.path.isdir(os.path.join(modules, *NPM_PACKAGE.split("/"))):
        if not shutil.which("npm"):
            raise AssertionError("npm is missing (scripts/install-deps installs nodejs npm)")
        os.makedirs(folder, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", folder,
                        NPM_PACKAGE], check=True, capture_output=True, timeout=600)
    return modules


def duckdb(sql):
    env = dict(os.environ, NODE_PATH=duckdb_modules())
    done = subprocess.run(["node", os.path.join(HERE, "duckdb_query.js"), sql], env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError("duckdb failed on %s:\n%s" % (sql, done.stderr))
    return json.loads(done.stdout)


def group_by_action(source, where=""):
    return ("SELECT action, count(*) AS n FROM %s %s GROUP BY action ORDER BY action"
            % (source, where))


class DuckDbTest(MountTestCase):
    WORLD = dict(spaces=1, days=30, events_per_day=240)

    @classmethod
    def setUpClass(cls):
        # The mount logs each session it creates, with its date, at debug: which dates a
        # query opened is read from there.
        find_bin("atfs", "ATFS_BIN")
        cls.world = World(**cls.WORLD)
        cls.log_file = os.path.join(cls.world.tmp, "query-mount.log")
        # cache=off: the tests count files opened by the sessions they create, and hours in
        # the disk cache need none.
        cls.mnt = cls.world.mount(options="log=%s,log_level=debug,cache=off" % cls.log_file)

    def session_dates(self):
        """The date of every session the mount created so far, in order."""
        with open(self.log_file) as f:
            return [line.split(" for ")[1][:10] for line in f if "debug: created session" in line]

    def stats(self):
        with open(self.mnt.path(".atfs", "stats.json")) as f:
            return json.load(f)

    def setUp(self):
        self.domain = self.world.space_domains()[0]
        self.days = self.world.status(self.domain)
        self.assertEqual(len(self.days), 30)
        self.view = self.mnt.path("by-date", "domain=" + self.domain.project)

    def truth_glob(self):
        folder = os.path.join(self.world.tmp, "downloaded")
        os.makedirs(folder, exist_ok=True)
        for day in self.days:
            path = os.path.join(folder, day["date"] + ".json")
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(self.world.client.download(self.domain, day["date"]))
        return os.path.join(folder, "*.json")

    def hours_of(self, days):
        return sum(1 for d in days for h in d.get("hours", []) if h["count"] > 0)

    def test_thirty_days_group_by_action_equals_the_downloaded_files(self):
        expected = duckdb(group_by_action(
            "read_json('%s', format='newline_delimited')" % self.truth_glob()))
        self.assertGreater(len(expected), 1)
        before = self.stats()
        got = duckdb(group_by_action(
            "read_json('%s/*/*/events.json', format='newline_delimited', hive_partitioning=true)"
            % self.view))
        after = self.stats()
        self.assertEqual(got, expected)
        opened = after["files_opened"] - before["files_opened"]
        print("\n30 days through the mount: %d hour files, %d opened, %d sessions"
              % (self.hours_of(self.days), opened,
                 after["sessions_created"] - before["sessions_created"]), file=sys.stderr)
        self.assertGreaterEqual(opened, self.hours_of(self.days))

    def filtered(self, date, options=""):
        """The GROUP BY of one date through the mount: (rows, files opened, sessions)."""
        before, dates_before = self.stats(), len(self.session_dates())
        rows = duckdb(group_by_action(
            "read_json('%s/*/*/events.json', format='newline_delimited', hive_partitioning=true%s)"
            % (self.view, options), "WHERE date = DATE '%s'" % date))
        after = self.stats()
        return (rows, after["files_opened"] - before["files_opened"],
                self.session_dates()[dates_before:])

    def expected_on(self, date):
        return duckdb(group_by_action(
            "read_json('%s', format='newline_delimited')" % self.truth_glob(),
            "WHERE CAST(eventTime AS VARCHAR) LIKE '%s%%'" % date))

    def test_a_date_filter_opens_only_that_dates_files(self):
        # DuckDB prunes on date= from the listing, but reads file(s) at bind time to learn the
        # schema: by default up to 32; with the columns named and one sample file, just the
        # first file of the glob. So a filter on the first date opens that date's files only,
        # and one on any other date those plus the one sample.
        tuned = ", columns={'action': 'VARCHAR'}, maximum_sample_files=1"
        first, middle = self.days[0], self.days[len(self.days) // 2]
        # Past files stay in the page cache once read (keep_cache), and a cached file needs
        # no session: the default query, which samples the most, runs last.
        rows, opened_first, dates_first = self.filtered(first["date"], tuned)
        self.assertEqual(rows, self.expected_on(first["date"]))
        rows, opened_middle, dates_middle = self.filtered(middle["date"], tuned)
        self.assertEqual(rows, self.expected_on(middle["date"]))
        rows, opened_default, dates_default = self.filtered(middle["date"])
        self.assertEqual(rows, self.expected_on(middle["date"]))
        hours = self.hours_of([middle])
        print("\none date (%d hour files) through the mount: %d files opened (%d dates) with "
              "DuckDB's default sampling; %d opened (dates %s) with columns and "
              "maximum_sample_files=1; first date: %d opened (dates %s)"
              % (hours, opened_default, len(set(dates_default)), opened_middle,
                 sorted(set(dates_middle)), opened_first, sorted(set(dates_first))),
              file=sys.stderr)
        self.assertEqual(set(dates_first), {first["date"]})
        self.assertEqual(opened_first, self.hours_of([first]) + 1)  # the sample, opened twice
        self.assertLessEqual(set(dates_middle), {middle["date"], first["date"]})
        self.assertEqual(dates_middle.count(middle["date"]), hours)
        self.assertEqual(opened_middle, hours + 1)  # the sample: the glob's first file
        self.assertLess(opened_default, self.hours_of(self.days))  # pruned, default or not
        self.assertNotIn(middle["date"], dates_default)  # in the page cache by now

if __name__ == "__main__":
    unittest.main()
