"""Test fixture for atctl: a private atd (demo users, port 0), a private XDG_CONFIG_HOME,
and helpers to run the real atctl binary. Every process started here is stopped in close(),
which the tests call from tearDown/finally, so a failing test never leaves atd behind."""

import ctypes
import gzip
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ATCTL = os.environ["ATCTL"]
ATD = os.environ["ATD"]
FAULT_PROXY = os.environ.get("FAULT_PROXY", "")
APIKEY = "demo-apikey-0123456789abcdef"
AUDITOR_APIKEY = "demo-apikey-0123456789abcdef-auditor"


def die_with_parent():
    """preexec_fn: the child gets SIGKILL when this test process dies, even if CTest kills it
    on a timeout before any cleanup runs (Linux PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def wait_for_line(path, prefix, proc, timeout=30):
    """The first line of file `path` starting with prefix, waiting while proc runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, "r", errors="replace") as f:
            for line in f:
                if line.startswith(prefix):
                    return line.strip()
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}) before printing {prefix!r}: "
                               + open(path, errors="replace").read())
        time.sleep(0.05)
    raise RuntimeError(f"no {prefix!r} line within {timeout} s")


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port():
    """A port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Env:
    def __init__(self, token_ttl=None, spaces=1, tls=False):
        self.tmp = tempfile.mkdtemp(prefix="atctl-test-")
        self.procs = []
        self.xdg = os.path.join(self.tmp, "xdg")
        os.mkdir(self.xdg)
        self.data = os.path.join(self.tmp, "data")
        try:
            subprocess.run([ATD, "demo", "--data", self.data, "--spaces", str(spaces),
                            "--days", "1", "--events-per-day", "5", "--seed", "7"],
                           check=True, capture_output=True, timeout=120)
            self.token_ttl = token_ttl
            self.tls = tls and self.make_certificate()
            self.url = self.start_atd()
        except BaseException:
            self.close()
            raise

    def start_atd(self):
        args = [ATD, "serve", "--data", self.data, "--listen", "127.0.0.1:0", "--quiet"]
        if self.token_ttl:
            args += ["--token-ttl", str(self.token_ttl)]
        if self.tls:
            args += ["--tls-cert", os.path.join(self.tmp, "cert.pem"),
                     "--tls-key", os.path.join(self.tmp, "key.pem")]
        log = os.path.join(self.tmp, f"atd-{len(self.procs)}.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                    preexec_fn=die_with_parent)
        self.procs.append(proc)
        self.atd = proc
        line = wait_for_line(log, "atd listening on ", proc)
        return line.split()[-1]

    def make_certificate(self):
        """A self-signed certificate for 127.0.0.1: tmp/cert.pem and tmp/key.pem."""
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", os.path.join(self.tmp, "key.pem"),
                        "-out", os.path.join(self.tmp, "cert.pem"), "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        return True

    def start_fault_proxy(self, cut_after, once=True):
        """A fault_proxy in front of atd cutting download connections after cut_after bytes
        (only the first one when once); returns its URL and its log file."""
        assert FAULT_PROXY, "FAULT_PROXY is not set"
        port = self.url.rsplit(":", 1)[1]
        log = os.path.join(self.tmp, f"proxy-{len(self.procs)}.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(
                ["python3", FAULT_PROXY, "--listen", "127.0.0.1:0", "--target",
                 f"127.0.0.1:{port}", "--cut-after", str(cut_after),
                 "--match-substring", "/v3/events/download"] + (["--once"] if once else []),
                stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.procs.append(proc)
        line = wait_for_line(log, "fault_proxy listening on ", proc)
        return "http://" + line.split()[-1], log

    def env(self, **extra):
        env = dict(os.environ)
        env.pop("ATFS_APIKEY", None)
        env["XDG_CONFIG_HOME"] = self.xdg
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    def run(self, *args, input=None, timeout=120, binary=False, **extra_env):
        """Runs atctl; returns CompletedProcess (stdout bytes when binary)."""
        return subprocess.run([ATCTL, *args], input=input, capture_output=True,
                              text=not binary, timeout=timeout, env=self.env(**extra_env))

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        if r.returncode != 0:
            raise AssertionError(f"atctl {' '.join(args)} exited {r.returncode}: {r.stderr}")
        return r

    def login(self, url=None):
        return self.ok("login", "--endpoint", url or self.url, ATFS_APIKEY=APIKEY)

    @property
    def config_path(self):
        return os.path.join(self.xdg, "atfs", "config.json")

    def close(self):
        for proc in reversed(self.procs):
            stop(proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


def make_events(count, day="2017-07-25", seed=1, padding=0):
    """Known CADF events on one day with distinct eventTimes, in shuffled order."""
    rng = random.Random(seed)
    events = []
    for i in range(count):
        second = i * 86399 // max(count, 1)
        event = {
            "id": f"evt-{seed}-{i:06d}",
            "eventTime": f"{day}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
                         f".{i % 100:02d}+0000",
            "action": "iam.apikey.create",
            "outcome": "success",
            "reason": {"reasonCode": 201, "reasonType": "Created"},
            "severity": "normal",
            "initiator": {"id": "IBMid-123", "name": "alice@example.com",
                          "typeURI": "service/security/account/user",
                          "credential": {"type": "token"},
                          "host": {"address": "10.0.0.1", "agent": "atctl-test"}},
            "target": {"id": f"crn:v1:key:{i}", "name": "key é", "typeURI": "iam/apikey"},
            "observer": {"name": "ActivityTracker"},
            "message": f"IAM: create API key {i}",
            "dataEvent": False,
            "saveServiceCopy": True,
        }
        if padding:
            event["requestData"] = {"blob": "%0*x" % (padding, rng.getrandbits(padding * 4))}
        events.append(event)
    rng.shuffle(events)
    return events


def compact(event):
    """The line the service stores for an event: nlohmann dump() (sorted keys, no spaces)."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def expected_lines(events):
    return [compact(e) for e in sorted(events, key=lambda e: e["eventTime"])]


def write_events(path, events):
    with open(path, "w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def gunzip_lines(data):
    return gzip.decompress(data).decode("utf-8").splitlines()
