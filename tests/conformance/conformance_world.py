"""One atd for a conformance test: demo data with known counts, and the runners that execute
IBM's documented cURL commands and NodeJS samples against it, changed only in host, port and
scheme.

Scheme: atd serves plain HTTP here. The cURL commands get atd's http:// URL in place of the
documented https:// host; the NodeJS samples get require("http") in place of require("https"),
and atd's host and port in place of "activity-tracker.ng.bluemix.net" and "port": null. Their
placeholders ({TOKEN}, {SPACE_ID}, $token, $spaceID...) are filled in as the pages say.
"""

import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "samples")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mount"))

from atd_server import Atd  # noqa: E402
from processes import find_bin  # noqa: E402

# The pages' examples are about these days: the demo covers them.
DEMO_LAST_DAY = "2018-07-02"
DEMO_DAYS = 14  # 2018-06-19 .. 2018-07-02
RECENT_DAYS = 9  # today-8 .. today get RECENT_HOURS events each, for the "last week" samples
RECENT_HOURS = (1, 5, 5, 23)
TIMEOUT = 60  # seconds for any one command

# The pages were written on a Mac: `date -u -v-7d +%F` is BSD date. On this (GNU) machine a
# `date` on PATH turns -vNd into GNU's -d "N days", so the commands run as they do for the
# pages' readers.
BSD_DATE_SHIM = """#!/usr/bin/env python3
import os, re, sys
args = []
for a in sys.argv[1:]:
    m = re.fullmatch(r"-v([+-]?\\d+)d", a)
    args += ["-d", m.group(1) + " days"] if m else [a]
os.execv("/bin/date", ["date"] + args)
"""


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def day(offset):
    return (today() + datetime.timedelta(days=offset)).isoformat()


def read_curl_samples(stem):
    """name -> command, and name -> the documented output, of samples/STEM.curl."""
    commands, outputs, name = {}, {}, None
    with open(os.path.join(SAMPLES, stem + ".curl")) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                name = line[3:]
            elif line and not line.startswith("#"):
                if name.startswith("output of "):
                    outputs[name[len("output of "):]] = line
                else:
                    commands[name] = line
    return commands, outputs


class World:
    """A temp data folder with demo data and a few known recent events, and an atd on it."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="atd-conformance-")
        self.data = os.path.join(self.tmp, "data")
        self.work = os.path.join(self.tmp, "work")  # the samples' current directory
        os.makedirs(self.work)
        shim = os.path.join(self.tmp, "bin")
        os.makedirs(shim)
        with open(os.path.join(shim, "date"), "w") as f:
            f.write(BSD_DATE_SHIM)
        os.chmod(os.path.join(shim, "date"), 0o755)
        self.path = shim + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")
        atd = find_bin("atd", "ATD_BIN")
        demo = subprocess.run([atd, "demo", "--data", self.data, "--spaces", "1", "--days",
                               str(DEMO_DAYS), "--events-per-day", "60", "--seed", "5",
                               "--last-day", DEMO_LAST_DAY],
                              capture_output=True, text=True, timeout=TIMEOUT, check=True)
        self.apikey = re.search(r"API key:\s+(\S+)", demo.stdout).group(1)
        self.space = re.search(r"spaces:\s+(\S+)", demo.stdout).group(1)
        self.atd = Atd(self.data, self.tmp)
        self.url = self.atd.endpoint
        self.token = self.call("POST", "/UAALoginServerWAR/oauth/token",
                               body=("grant_type=password&username=apikey&password=" +
                                     self.apikey).encode(),
                               headers={"Authorization": "Basic Y2Y6",
                                        "Content-Type": "application/x-www-form-urlencoded"},
                               auth=False)[1]["access_token"]
        lines = []
        for offset in range(-(RECENT_DAYS - 1), 1):
            for i, hour in enumerate(RECENT_HOURS):
                lines.append(json.dumps({"id": "recent-%d-%d" % (offset, i),
                                         "eventTime": "%sT%02d:10:00.000Z" % (day(offset), hour),
                                         "action": "conformance.test"}))
        status, reply = self.call("POST", "/v3/events", body="\n".join(lines).encode(),
                                  headers={"Content-Type": "application/x-ndjson"})
        assert status == 200 and reply["accepted"] == len(lines), (status, reply)
        self.reference = {"space": self.status_by_query(False), "account":
                          self.status_by_query(True)}

    def close(self):
        self.atd.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def call(self, method, path, body=None, headers=None, auth=True):
        """(status, JSON reply) of one request made by the test itself, not by a sample."""
        h = dict(headers or {})
        if auth:
            h.update({"X-Auth-Token": "bearer " + self.token, "X-Auth-Project-Id": self.space})
        req = urllib.request.Request(self.url + path, data=body, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def status_by_query(self, account_level):
        """date -> day entry (with hours) of a domain, by atd's query form of status."""
        status, reply = self.call("GET", "/v3/events?hours=true&AtAccountLevel=%s" %
                                  ("true" if account_level else "false"))
        assert status == 200, reply
        return {d["date"]: d for d in reply["days"]}

    def days_between(self, domain, start, end):
        return [d for date, d in sorted(self.reference[domain].items()) if start <= date <= end]

    def run_curl(self, command, session_id="", authorization_endpoint=None):
        """Runs one documented cURL command in bash, in the work folder; returns stdout."""
        local = command
        if authorization_endpoint:
            local = local.replace("AUTHORIZATION_ENDPOINT", authorization_endpoint)
        local = local.replace("ENDPOINT/", self.url + "/")
        for host in ("https://activity-tracker.ng.bluemix.net", "https://api.ng.bluemix.net",
                     "https://login.ng.bluemix.net"):
            local = local.replace(host, self.url)
        assert "bluemix" not in local and "ENDPOINT" not in local, local
        env = dict(os.environ, PATH=self.path, token=self.token, spaceId=self.space,
                   spaceID=self.space, sessionID=session_id, sessionId=session_id,
                   APIKEY=self.apikey)
        done = subprocess.run(["bash", "-c", local], cwd=self.work, env=env, capture_output=True,
                              text=True, timeout=TIMEOUT)
        assert done.returncode == 0, (local, done.returncode, done.stderr)
        return done.stdout

    def run_node(self, sample, edit=None):
        """Runs samples/SAMPLE.js with atd's host, port and plain HTTP; returns stdout.
        edit, if given, is (old, new): one more change, which the caller names and justifies."""
        with open(os.path.join(SAMPLES, sample + ".js")) as f:
            text = f.read()
        if edit:
            assert edit[0] in text, edit
            text = text.replace(edit[0], edit[1])
        port = self.url.rsplit(":", 1)[1]
        local = (text.replace('require("https")', 'require("http")')
                 .replace('"activity-tracker.ng.bluemix.net"', '"127.0.0.1"')
                 .replace('"port": null', '"port": %s' % port)
                 .replace("{TOKEN}", "Bearer " + self.token)
                 .replace("{SPACE_ID}", self.space))
        assert "bluemix" not in local and "https" not in local, sample
        node = shutil.which("node") or shutil.which("nodejs")
        assert node, "node is not installed: scripts/install-deps installs nodejs"
        path = os.path.join(self.tmp, sample + ".local.js")
        with open(path, "w") as f:
            f.write(local)
        done = subprocess.run([node, path], cwd=self.work, capture_output=True, text=True,
                              timeout=TIMEOUT)
        assert done.returncode == 0, (sample, done.returncode, done.stderr)
        return done.stdout

    def work_file_lines(self, name):
        """The JSON lines of a gzip file a sample wrote into the work folder."""
        with gzip.open(os.path.join(self.work, name), "rt") as f:
            return [json.loads(line) for line in f if line.strip()]
