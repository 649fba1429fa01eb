"""Every cURL command and NodeJS sample of IBM's Activity Tracker API pages, run against a
real atd (see conformance_world for what is changed: host, port and scheme only), and each
reply checked against what the page says it returns. server/API.md ("IBM's documented calls")
maps each of them to atd's behaviour.

The retention page (how-to/configuring_retention_policy.md) and the CLI reference
(reference/at_cli_cloud.md) have no cURL or NodeJS sample: only `ibmcloud at` commands.
"""

import json
import unittest

from conformance_world import World, day, read_curl_samples


def deleted_message(days):
    count = sum(d["count"] for d in days)
    freed = sum(d["gzip_size"] for d in days)
    return "%d logs were deleted, freeing %d bytes" % (count, freed)


class PageTest(unittest.TestCase):
    STEM = None

    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.commands, cls.outputs = read_curl_samples(cls.STEM)
        cls.ran = set()

    @classmethod
    def tearDownClass(cls):
        cls.world.close()

    def curl(self, name, **kw):
        self.ran.add(name)
        return self.world.run_curl(self.commands[name], **kw)

    def curl_json(self, name, **kw):
        out = self.curl(name, **kw)
        try:
            return json.loads(out)
        except ValueError:
            self.fail("%s: the reply is not JSON: %r" % (name, out))

    def assertEveryCommandRan(self):
        self.assertEqual(self.ran, set(self.commands), "a documented command was not checked")


class ViewingEventsInfo(PageTest):
    """how-to/manage_events_api/viewing_events_info_api.md: status is a GET with a JSON body."""

    STEM = "viewing_events_info_api"

    def assertDays(self, reply, domain, expected):
        self.assertNotIn("error", reply)
        self.assertEqual(reply["domain"], domain if domain == "account" else self.world.space)
        got = [(d["date"], d["count"]) for d in reply["days"]]
        self.assertEqual(got, [(d["date"], d["count"]) for d in expected])

    def test_every_curl_command_and_the_node_sample(self):
        w = self.world
        one_day = w.days_between("space", "2018-06-28", "2018-06-28")
        self.assertEqual(len(one_day), 1)
        # "the total number of events ... on a specific date": that day only (atd has 14+9).
        self.assertDays(self.curl_json("status_generic"), "space", one_day)
        self.assertDays(self.curl_json("status_space_day"), "space", one_day)
        self.assertDays(self.curl_json("status_account_day"), "account",
                        w.days_between("account", "2018-06-28", "2018-06-28"))
        last_week = w.days_between("space", day(-7), day(0))
        self.assertEqual(len(last_week), 8)
        self.assertDays(self.curl_json("status_last_week"), "space", last_week)
        self.assertEveryCommandRan()
        # The NodeJS sample: a GET whose body is sent chunked; 2018-06-30..2018-07-02.
        reply = json.loads(w.run_node("status_per_day"))
        self.assertEqual(len(reply["days"]), 3)
        self.assertDays(reply, "space", w.days_between("space", "2018-06-30", "2018-07-02"))


class DownloadingEvents(PageTest):
    """how-to/manage_events_api/downloading_events_api.md: create, download, delete a session."""

    STEM = "downloading_events_api"

    def assertSession(self, session, account_level):
        documented = json.loads(self.outputs["session_create_space"])
        self.assertLessEqual(set(documented), set(session), "fields the page shows are missing")
        self.assertEqual(session["date-range"], {"Start": "2018-06-28", "End": "2018-06-28"})
        self.assertEqual(session["types"], {"Type": "ActivityTracker",
                                            "AtAccountLevel": account_level})
        self.assertEqual(session["search-time"], "")
        self.assertEqual(session["space"], self.world.space)
        domain = "account" if account_level else "space"
        self.assertEqual(session["count"],
                         self.world.days_between(domain, "2018-06-28", "2018-06-28")[0]["count"])

    def assertEventsOf(self, lines, count, first, last):
        self.assertEqual(len(lines), count)
        self.assertTrue(all(first <= e["eventTime"][:10] <= last for e in lines))

    def test_every_curl_command(self):
        w = self.world
        generic = self.curl_json("session_create_generic")
        self.assertSession(generic, True)
        space = self.curl_json("session_create_space")
        self.assertSession(space, False)
        account = self.curl_json("session_create_account")
        self.assertSession(account, True)
        self.assertEqual(self.curl("download_generic", session_id=generic["id"]), "")
        self.assertEventsOf(w.work_file_lines("FILENAME.gz"), generic["count"], "2018-06-28",
                            "2018-06-28")
        self.curl("download_example", session_id=space["id"])
        self.assertEventsOf(w.work_file_lines("spaceXevents.gz"), space["count"], "2018-06-28",
                            "2018-06-28")
        for session in (generic, space, account):
            reply = json.loads(w.run_curl(self.commands["session_delete"],
                                          session_id=session["id"]))
            self.assertEqual(reply, {"message": "Delete session success"})
            self.assertEqual(w.call("GET", "/v3/sessions/" + session["id"])[0], 404)
        self.ran.add("session_delete")
        self.assertEveryCommandRan()

    def test_node_sample(self):
        w = self.world
        out = [line for line in w.run_node("download_session").splitlines() if line]
        self.assertEqual(out[0], "Creating new session...")
        session = json.loads(out[1])
        days = w.days_between("account", "2018-06-30", "2018-07-02")
        self.assertEqual(session["date-range"], {"Start": "2018-06-30", "End": "2018-07-02"})
        self.assertEqual(session["count"], sum(d["count"] for d in days))
        self.assertEqual(out[2], "Session %s written to output.gz" % session["id"])
        self.assertEqual(out[3], "Deleting session %s..." % session["id"])
        self.assertEqual(json.loads(out[4]), {"message": "Delete session success"})
        self.assertEventsOf(w.work_file_lines("output.gz"), session["count"], "2018-06-30",
                            "2018-07-02")


class DeletingEvents(PageTest):
    """how-to/manage_events_api/deleting_events_api.md: DELETE /v3/events with a JSON body."""

    STEM = "deleting_events_api"

    def test_every_curl_command_and_the_node_sample(self):
        w = self.world
        june24 = w.days_between("space", "2018-06-24", "2018-06-24")
        reply = self.curl_json("delete_space_day")
        self.assertEqual(reply["message"], deleted_message(june24))
        self.assertNotIn("2018-06-24", w.status_by_query(False))
        self.assertIn("2018-06-24", w.status_by_query(True))  # the account domain is untouched
        # The page's generic form of the same call: that day is empty now.
        self.assertEqual(self.curl_json("delete_generic")["message"],
                         "0 logs were deleted, freeing 0 bytes")
        week_ago = w.days_between("space", day(-7), day(-6))
        self.assertEqual(len(week_ago), 2)
        self.assertEqual(self.curl_json("delete_last_week")["message"], deleted_message(week_ago))
        left = w.status_by_query(False)
        self.assertNotIn(day(-7), left)
        self.assertIn(day(-8), left)
        self.assertIn(day(-5), left)
        self.assertEveryCommandRan()
        # The NodeJS sample: 2018-06-30..2018-07-02 of the space domain. As printed, it sends
        # its body with neither Content-Length nor Transfer-Encoding (NodeJS frames a DELETE's
        # body only when told), so by HTTP/1.1 the request has no body: atd says so, deletes
        # nothing, and the same sample with the header the status sample sets works.
        days = w.days_between("space", "2018-06-30", "2018-07-02")
        self.assertEqual(len(days), 3)
        error = json.loads(w.run_node("delete_events"))["error"]
        self.assertEqual(error["code"], "bad_request")
        self.assertIn("needs both start and end", error["message"])
        self.assertIn("'Transfer-Encoding: chunked'", error["message"])
        self.assertEqual(len(w.days_between("space", "2018-06-30", "2018-07-02")), 3)
        framed = ('"headers": {', '"headers": {\n        "Transfer-Encoding": "Chunked",')
        reply = json.loads(w.run_node("delete_events", edit=framed))
        self.assertEqual(reply["message"], deleted_message(days))
        left = w.status_by_query(False)
        self.assertFalse({"2018-06-30", "2018-07-01", "2018-07-02"} & set(left))
        self.assertIn("2018-06-29", left)


class UaaToken(PageTest):
    """reference/auth_uaa.md: /v2/info names authorization_endpoint, then the token call."""

    STEM = "auth_uaa"

    def test_every_curl_command(self):
        w = self.world
        info = self.curl_json("info")
        self.assertEqual(info["authorization_endpoint"], w.url + "/UAALoginServerWAR")
        for name in ("token_generic", "token_example"):
            token = self.curl_json(name, authorization_endpoint=info["authorization_endpoint"])
            self.assertEqual(token["token_type"], "bearer")
            self.assertGreater(token["expires_in"], 0)
            w.token = token["access_token"]
            status, spaces = w.call("GET", "/v3/spaces")
            self.assertEqual(status, 200, spaces)
        self.assertEveryCommandRan()


if __name__ == "__main__":
    unittest.main()
