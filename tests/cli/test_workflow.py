"""The seed document's whole workflow through the real atctl and atd: login, target,
status, trail, session create/list, download, gunzip and compare, delete, list empty."""

import gzip
import json
import os
import stat
import unittest

from atctl_env import (Env, expected_lines, gunzip_lines, make_events, read_bytes, read_json,
                       write_events)


class SeedWorkflow(unittest.TestCase):
    def setUp(self):
        self.env = Env()
        self.addCleanup(self.env.close)

    def test_seed_workflow(self):
        env = self.env
        r = env.login()
        self.assertIn("demo@example.com", r.stdout)
        mode = stat.S_IMODE(os.stat(env.config_path).st_mode)
        self.assertEqual(mode, 0o600, oct(mode))
        saved = read_json(env.config_path)
        self.assertEqual(saved["endpoint"], env.url)
        self.assertTrue(saved["space_guid"], "one space: login targets it")

        target = json.loads(env.ok("target", "--json").stdout)
        self.assertEqual(target["space_guid"], saved["space_guid"])
        retarget = json.loads(
            env.ok("target", "-o", target["org"], "-s", target["space"], "--json").stdout)
        self.assertEqual(retarget["space_guid"], saved["space_guid"])
        self.assertIn(target["space"], env.ok("target").stdout)

        events = make_events(200, seed=3)
        path = os.path.join(env.tmp, "events.jsonl")
        write_events(path, events)
        r = env.ok("trail", "-f", path)
        self.assertIn("200 events accepted", r.stdout)

        status = json.loads(env.ok("status", "-s", "2017-07-25", "-e", "2017-07-25",
                                   "--json").stdout)
        self.assertEqual(len(status), 1)
        self.assertEqual(status[0]["date"], "2017-07-25")
        self.assertEqual(status[0]["count"], 200)
        table = env.ok("status", "-s", "2017-07-25", "-e", "2017-07-25").stdout
        self.assertRegex(table, r"\| DATE +\| COUNT \| SIZE +\| TYPES +\| SEARCHABLE \|")
        self.assertRegex(table, r"\| 2017-07-25 \| 200 +\|")

        r = env.ok("session", "create", "-s", "2017-07-25", "-e", "2017-07-25")
        self.assertTrue(r.stdout.startswith("+--"), r.stdout)
        rows = dict(
            (cells[0], cells[1])
            for cells in ([c.strip() for c in line.strip("|").split("|")]
                          for line in r.stdout.splitlines() if line.startswith("|")))
        self.assertEqual(rows["Name"], "Value")
        self.assertEqual(rows["username"], "demo@example.com")
        self.assertEqual(json.loads(rows["date-range"]), {"End": "2017-07-25", "Start": "2017-07-25"})
        self.assertEqual(rows["space"], saved["space_guid"])
        session_id = rows["id"]
        shown = json.loads(env.ok("session", "show", session_id, "--json").stdout)
        self.assertEqual(shown["count"], 200)

        listing = env.ok("session", "list").stdout
        self.assertRegex(listing, r"\| Id +\| Space +\| Username +\| Create-time +\| Access-time +\|")
        self.assertIn(session_id, listing)

        out = os.path.join(env.tmp, "Events_File_Name.log")
        r = env.ok("download", "-o", out, session_id)
        self.assertIn("Download completed successfully", r.stdout)
        data = read_bytes(out)
        self.assertEqual(len(data), shown["gzip-size"])
        self.assertEqual(gunzip_lines(data), expected_lines(events))

        r = env.ok("session", "delete", session_id)
        self.assertIn("| message | Delete session success |", r.stdout)
        self.assertEqual(json.loads(env.ok("session", "list", "--json").stdout), [])

    def test_inflate_delete_and_retention(self):
        env = self.env
        env.login()
        events = make_events(50, day="2017-07-26", seed=4)
        r = env.ok("trail", "-f", "-", input="".join(json.dumps(e) + "\n" for e in events))
        self.assertIn("50 events accepted", r.stdout)
        session = json.loads(env.ok("session", "create", "-s", "2017-07-26", "-e", "2017-07-26",
                                    "--json").stdout)
        r = env.ok("download", "--inflate", session["id"])
        self.assertEqual(r.stdout.splitlines(), expected_lines(events))
        self.assertIn("Download completed successfully", r.stderr)
        env.ok("session", "delete", session["id"])

        r = env.ok("delete", "-s", "2017-07-26", "-e", "2017-07-26")
        self.assertRegex(r.stdout, r"^50 logs were deleted, freeing \d+ bytes")
        self.assertEqual(json.loads(env.ok("status", "-s", "2017-07-26", "-e", "2017-07-26",
                                           "--json").stdout), [])

        self.assertEqual(json.loads(env.ok("option", "--json").stdout)["retention"], 0)
        self.assertEqual(json.loads(env.ok("option", "-r", "30", "--json").stdout)["retention"], 30)
        self.assertIn("30 days", env.ok("option").stdout)

    def test_bad_event_line_is_reported_with_its_number(self):
        env = self.env
        env.login()
        events = make_events(3, seed=5)
        body = "".join(json.dumps(e) + "\n" for e in events[:2]) + "{not json\n"
        r = env.run("trail", "-f", "-", input=body)
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertIn("line 3", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
