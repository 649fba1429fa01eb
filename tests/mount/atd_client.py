"""Ground truth for the mount tests: talks to atd directly over HTTP (server/API.md).

Only python3's standard library; every call goes to 127.0.0.1.
"""

import base64
import gzip
import json
import urllib.error
import urllib.parse
import urllib.request
import zlib

DEMO_KEY = "demo-apikey-0123456789abcdef"
AUDITOR_KEY = "demo-apikey-0123456789abcdef-auditor"


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body[:300]!r}")
        self.status = status
        self.body = body


def inflate(data):
    """Inflates a (possibly multi-member) gzip stream; b'' stays b''."""
    if not data:
        return b""
    return gzip.decompress(data)


class AtdClient:
    """A small synchronous client of one atd, for one API key."""

    def __init__(self, endpoint, apikey, timeout=60):
        self.endpoint = endpoint.rstrip("/")
        self.apikey = apikey
        self.timeout = timeout
        self._token = None
        self._spaces = None

    # --- transport -------------------------------------------------------

    def _open(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.endpoint + path, data=body, method=method)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            with err:  # an HTTPError holds the response open: close it, not the GC
                body = err.read()
            raise ApiError(err.code, body) from None

    def token(self):
        if self._token is None:
            form = urllib.parse.urlencode(
                {"grant_type": "password", "username": "apikey", "password": self.apikey}
            ).encode()
            basic = base64.b64encode(b"cf:").decode()
            _, _, body = self._open(
                "POST",
                "/UAALoginServerWAR/oauth/token",
                form,
                {
                    "Authorization": "Basic " + basic,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            self._token = json.loads(body)["access_token"]
        return self._token

    def _headers(self, project=None, extra=None):
        headers = {"X-Auth-Token": "bearer " + self.token()}
        if project:
            headers["X-Auth-Project-Id"] = project
        headers.update(extra or {})
        return headers

    def call(self, method, path, payload=None, project=None, extra=None):
        """A /v3 call returning (status, headers, raw body)."""
        body = None if payload is None else json.dumps(payload).encode()
        for attempt in (1, 2):
            headers = self._headers(project, extra)
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                return self._open(method, path, body, headers)
            except ApiError as err:
                if err.status != 401 or attempt == 2:
                    raise
                self._token = None  # expired, or atd restarted: log in again once

    def call_json(self, method, path, payload=None, project=None):
        _, _, body = self.call(method, path, payload, project)
        return json.loads(body)

    # --- spaces and domains ---------------------------------------------

    def spaces(self):
        """The /v3/spaces object: {"user","account_access","spaces":[...]}."""
        if self._spaces is None:
            self._spaces = self.call_json("GET", "/v3/spaces")
        return self._spaces

    def default_project(self):
        """The first granted space: the X-Auth-Project-Id of user-wide calls."""
        spaces = self.spaces()["spaces"]
        return spaces[0]["guid"] if spaces else None

    def domains(self):
        """Every domain the key can see, as Domain objects (account first)."""
        info = self.spaces()
        first = info["spaces"][0]["guid"] if info["spaces"] else None
        result = []
        if info.get("account_access"):
            result.append(Domain("account", first, True, "account"))
        for space in info["spaces"]:
            rel = "spaces/%s/%s" % (space["org"], space["name"])
            result.append(Domain(space["guid"], space["guid"], False, rel))
        return result

    # --- status ----------------------------------------------------------

    def status(self, domain, hours=True, start=None, end=None):
        query = {"AtAccountLevel": _bool(domain.account), "hours": _bool(hours)}
        if start:
            query["start"] = start
        if end:
            query["end"] = end
        path = "/v3/events?" + urllib.parse.urlencode(query)
        return self.call_json("GET", path, project=domain.project)["days"]

    # --- sessions --------------------------------------------------------

    def sessions(self):
        return self.call_json("GET", "/v3/sessions", project=self.default_project())

    def create_session(self, domain, start, end, hour=None, tag=None):
        payload = {
            "start": start,
            "end": end,
            "AtAccountLevel": domain.account,
            "SearchTime": "" if hour is None else str(hour),
        }
        if tag is not None:
            payload["tag"] = tag
        return self.call_json("POST", "/v3/sessions", payload, project=domain.project)

    def delete_session(self, session_id, project=None):
        project = project or self.default_project()
        return self.call_json("DELETE", "/v3/sessions/" + session_id, project=project)

    def download_session(self, session_id, project=None):
        project = project or self.default_project()
        _, _, body = self.call(
            "GET", "/v3/events/download", project=project, extra={"SESSIONID": session_id}
        )
        return body

    def download_gz(self, domain, start, end=None, hour=None):
        """The raw gzip a fresh session over [start, end] (or one hour) downloads."""
        session = self.create_session(domain, start, end or start, hour)
        try:
            return self.download_session(session["id"], domain.project)
        finally:
            self.delete_session(session["id"], domain.project)

    def download(self, domain, start, end=None, hour=None):
        """The inflated JSON lines of [start, end] (or one hour of one day)."""
        return inflate(self.download_gz(domain, start, end, hour))

    # --- ingest ----------------------------------------------------------

    def ingest(self, domain, lines_bytes):
        """POSTs JSON lines (gzip-compressed on the wire); returns accepted count."""
        body = zlib.compress(lines_bytes, 1, wbits=31)
        query = "?AtAccountLevel=" + _bool(domain.account)
        _, _, reply = self._open(
            "POST",
            "/v3/events" + query,
            body,
            self._headers(
                domain.project,
                {"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"},
            ),
        )
        return json.loads(reply)["accepted"]


class Domain:
    """Where events live, plus its folder relative to the mount point."""

    def __init__(self, name, project, account, rel):
        self.name = name
        self.project = project
        self.account = account
        self.rel = rel

    def __repr__(self):
        return "Domain(%s)" % self.rel


def _bool(value):
    return "true" if value else "false"
