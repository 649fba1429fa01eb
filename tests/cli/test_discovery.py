"""atctl login --endpoint takes the service endpoint or the API endpoint (IBM's token flow:
GET /v2/info names authorization_endpoint) and finds the other."""

import http.server
import json
import threading
import unittest
import urllib.request

from atctl_env import APIKEY, Env, read_json


class ApiEndpoint(http.server.BaseHTTPRequestHandler):
    """A stand-in API endpoint on its own port: only /v2/info, naming atd as the service and
    the UAA. Counts what it is asked."""

    info = {}
    asked = []

    def do_GET(self):
        self.asked.append(self.path)
        body = json.dumps(self.info).encode() if self.path == "/v2/info" else b"{}"
        self.send_response(200 if self.path == "/v2/info" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


class Discovery(unittest.TestCase):
    def setUp(self):
        self.env = Env()
        self.addCleanup(self.env.close)

    def test_the_service_endpoint_finds_its_uaa(self):
        env = self.env
        env.login(env.url + "/")
        saved = read_json(env.config_path)
        self.assertEqual(saved["endpoint"], env.url)
        self.assertEqual(saved["authorization_endpoint"], env.url + "/UAALoginServerWAR")
        with urllib.request.urlopen(env.url + "/v2/info", timeout=30) as res:
            info = json.load(res)
        self.assertEqual(info["authorization_endpoint"], saved["authorization_endpoint"])
        self.assertEqual(info["token_endpoint"], saved["authorization_endpoint"])
        self.assertEqual(info["activity_tracker_endpoint"], env.url)

    def test_the_api_endpoint_finds_the_service(self):
        env = self.env
        ApiEndpoint.info = {"authorization_endpoint": env.url + "/UAALoginServerWAR",
                            "activity_tracker_endpoint": env.url}
        ApiEndpoint.asked = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ApiEndpoint)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        api = "http://127.0.0.1:%d" % server.server_address[1]
        r = env.ok("login", "--endpoint", api, ATFS_APIKEY=APIKEY)
        self.assertIn("Logged in to " + env.url, r.stdout)
        self.assertEqual(ApiEndpoint.asked, ["/v2/info"])  # the key never went to it
        saved = read_json(env.config_path)
        self.assertEqual(saved["endpoint"], env.url)
        self.assertEqual(saved["authorization_endpoint"], env.url + "/UAALoginServerWAR")
        server.shutdown()
        env.ok("status")  # the saved endpoints are enough

    def test_an_api_endpoint_naming_no_url_is_refused(self):
        ApiEndpoint.info = {"authorization_endpoint": "ftp://elsewhere"}
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ApiEndpoint)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        r = self.env.run("login", "--endpoint", "http://127.0.0.1:%d" % server.server_address[1],
                         ATFS_APIKEY=APIKEY)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("GET /v2/info", r.stderr)
        self.assertIn("authorization_endpoint is not an http(s) URL", r.stderr)


if __name__ == "__main__":
    unittest.main()
