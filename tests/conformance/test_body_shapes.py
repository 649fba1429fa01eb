"""The request shapes of GET/DELETE /v3/events beyond IBM's samples, over real HTTP (curl):
query and body together (agreeing or not), unknown body fields, SearchTime as an hour, chunked
bodies, a GET's body on a kept-alive connection, and a client's PATCH."""

import json
import subprocess
import unittest

from conformance_world import RECENT_HOURS, TIMEOUT, World, day


class BodyShapes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = World()

    @classmethod
    def tearDownClass(cls):
        cls.world.close()

    def curl(self, method, query="", body=None, extra=(), urls=1):
        """(statuses, JSON replies) of curl sending one request (or `urls` on one connection)."""
        w = self.world
        cmd = ["curl", "-sS", "-X", method, "-H", "X-Auth-Token: bearer " + w.token,
               "-H", "X-Auth-Project-Id: " + w.space, "-H", "Content-Type: application/json",
               "-w", "\n%{http_code}\n"]
        for h in extra:
            cmd += ["-H", h]
        if body is not None:
            cmd += ["--data-binary", body if isinstance(body, str) else json.dumps(body)]
        cmd += [w.url + "/v3/events" + query] * urls
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=True)
        lines = [line for line in out.stdout.split("\n") if line]
        replies = [json.loads(line) for line in lines[0::2]]
        return [int(code) for code in lines[1::2]], replies

    def one(self, *args, **kw):
        codes, replies = self.curl(*args, **kw)
        return codes[0], replies[0]

    def assertError(self, reply_pair, *words):
        status, reply = reply_pair
        self.assertEqual(status, 400, reply)
        for word in words:
            self.assertIn(word, reply["error"]["message"])

    def test_query_and_body_agreeing_or_not(self):
        d = "2018-06-28"
        status, reply = self.one("GET", "?start=%s&end=%s" % (d, d))
        self.assertEqual((status, [x["date"] for x in reply["days"]]), (200, [d]))
        status, reply = self.one("GET", "?start=%s" % d, {"start": d, "end": d})
        self.assertEqual((status, [x["date"] for x in reply["days"]]), (200, [d]))
        self.assertError(self.one("GET", "?start=2018-06-27", {"start": d, "end": d}),
                         "start is 2018-06-27 in the query but 2018-06-28 in the JSON body")
        self.assertError(self.one("DELETE", "?AtAccountLevel=true",
                                  {"start": d, "end": d, "AtAccountLevel": False}),
                         "AtAccountLevel is true in the query but false")
        self.assertError(self.one("DELETE", "?SearchTime=4", {"start": d, "end": d,
                                                              "SearchTime": "5"}), "SearchTime")
        self.assertIn(d, self.world.status_by_query(False))  # nothing was deleted

    def test_unknown_or_bad_body_fields_are_named(self):
        d = "2018-06-27"
        for method in ("GET", "DELETE"):
            self.assertError(self.one(method, "", {"start": d, "end": d, "Start": d}),
                             'unknown field "Start"')
            self.assertError(self.one(method, "", {"start": d, "end": d, "SearchTime": "24"}),
                             "SearchTime")
            self.assertError(self.one(method, "", {"start": "2018-06-31", "end": d}), "start")
            self.assertError(self.one(method, "", "[1,2]"), "expected an object")
            self.assertError(self.one(method, "", '{"start":'), "malformed JSON")
            self.assertError(self.one(method, "", "[" * 100 + "]" * 100), "malformed JSON")
        self.assertIn(d, self.world.status_by_query(False))

    def test_search_time_is_that_hour_only(self):
        w = self.world
        d = day(-3)
        whole = w.reference["space"][d]
        fives = [h for h in whole["hours"] if h["hour"] == 5][0]
        self.assertEqual(fives["count"], RECENT_HOURS.count(5))
        status, reply = self.one("GET", "", {"start": d, "end": d, "SearchTime": "5"})
        self.assertEqual(status, 200, reply)
        self.assertEqual([(x["date"], x["count"], x["gzip_size"]) for x in reply["days"]],
                         [(d, fives["count"], fives["gzip_size"])])
        status, reply = self.one("GET", "?hours=true", {"start": d, "end": d, "SearchTime": 5})
        self.assertEqual([h["hour"] for h in reply["days"][0]["hours"]], [5])
        status, reply = self.one("DELETE", "", {"start": d, "end": d, "SearchTime": "5"})
        self.assertEqual(reply["message"], "%d logs were deleted, freeing %d bytes" %
                         (fives["count"], fives["gzip_size"]))
        left = w.status_by_query(False)[d]
        self.assertEqual(left["count"], whole["count"] - fives["count"])
        self.assertEqual([h["hour"] for h in left["hours"]], [1, 23])

    def test_chunked_bodies(self):
        d = day(-2)
        status, reply = self.one("GET", "", {"start": d, "end": d},
                                 extra=["Transfer-Encoding: chunked"])
        self.assertEqual((status, [x["date"] for x in reply["days"]]), (200, [d]))
        status, reply = self.one("DELETE", "", {"start": d, "end": d},
                                 extra=["Transfer-Encoding: chunked"])
        self.assertEqual(reply["count"], len(RECENT_HOURS), reply)
        self.assertNotIn(d, self.world.status_by_query(False))

    def test_a_get_body_is_not_read_as_the_next_request(self):
        # curl sends both GETs, with their bodies, on one kept-alive connection.
        d = "2018-06-26"
        codes, replies = self.curl("GET", "", {"start": d, "end": d}, urls=2)
        self.assertEqual(codes, [200, 200], replies)
        self.assertEqual([[x["date"] for x in r["days"]] for r in replies], [[d], [d]])

    def test_a_clients_patch_is_refused(self):
        status, reply = self.one("PATCH", "", {"start": "2018-06-26"},
                                 extra=["X-Atd-Routed-As-Patch: GET"])
        self.assertEqual(status, 405, reply)


if __name__ == "__main__":
    unittest.main()
