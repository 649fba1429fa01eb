"""Start atd, generate data, mount atfs, and clean everything up, even on failure.

Every test module builds one World in setUpClass: its own temp dir, its own atd on
127.0.0.1 port 0, its own mounts. Nothing is shared between test processes.
"""

import atexit
import datetime
import http.client
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atd_client import AUDITOR_KEY, DEMO_KEY, AtdClient  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LAST_DAY = "2026-06-30"  # fixed: the main dataset's dates never depend on today
BIG_DAY = "2026-04-01"  # outside the demo's days: only our ~20 MB of ingested events
SESSION_TAG_PREFIX = "atfs"


def find_bin(name, env):
    path = os.environ.get(env)
    if path:
        return path
    for sub in ("build-mount", "build"):
        for folder in ("fs", "server", "client", "cli", ""):
            candidate = os.path.join(REPO, sub, folder, name)
            if os.access(candidate, os.X_OK):
                return candidate
    raise RuntimeError("%s not found: set %s or build it in build-mount/" % (name, env))


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate until it returns a true value or timeout passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def is_mounted(path):
    path = os.path.realpath(path)
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) > 1 and fields[1].replace("\\040", " ") == path:
                return True
    return False


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def day_range(first, last):
    """Every ISO date from first to last inclusive."""
    d = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    out = []
    while d <= end:
        out.append(d.isoformat())
        d += datetime.timedelta(days=1)
    return out


def shift_day(day, delta):
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=delta)).isoformat()


def utc_today():
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


# --- processes ----------------------------------------------------------------


class Atd:
    """One `atd serve` process on a data dir."""

    def __init__(self, data, logdir, port=0, extra=()):
        self.data = data
        self.log_path = os.path.join(logdir, "atd-%d.log" % time.monotonic_ns())
        self.extra = list(extra)
        self.proc = None
        self._drain = None
        self.endpoint = None
        self.start(port)

    def start(self, port=0):
        cmd = [find_bin("atd", "ATD_BIN"), "serve", "--data", self.data]
        cmd += ["--listen", "127.0.0.1:%d" % port, "--quiet"] + self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        _register(self)
        line = _readline_with_timeout(self.proc.stdout, 60)
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line or "")
        if not match:
            self.kill()
            raise RuntimeError("atd did not start: %r\n%s" % (line, tail(self.log_path)))
        self.port = int(match.group(1))
        self.endpoint = "http://127.0.0.1:%d" % self.port
        # Keep draining stdout so atd never blocks on a full pipe.
        self._drain = threading.Thread(target=self.proc.stdout.read, daemon=True)
        self._drain.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        self._close_stdout()

    def _close_stdout(self):
        # Once atd is gone its pipe is at EOF, so the drain thread ends; closing the pipe then
        # (not at garbage collection) avoids ResourceWarnings, one per atd started.
        if self.proc is None or self.proc.stdout is None or self.proc.poll() is None:
            return
        if self._drain is not None:
            self._drain.join(5)
            if self._drain.is_alive():
                return  # a child still holds the pipe: closing would block on the reader
            self._drain = None
        self.proc.stdout.close()

    def restart_same_port(self):
        """Starts atd again on the port it had (sessions persist across restarts)."""
        self.kill()
        deadline = time.monotonic() + 20
        while True:
            try:
                self.start(self.port)
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def close(self):
        self.kill(signal.SIGTERM)


def _readline_with_timeout(stream, timeout):
    result = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0].decode(errors="replace") if result else None


def atd_demo(data, spaces, days, events_per_day, seed, last_day=None):
    cmd = [find_bin("atd", "ATD_BIN"), "demo", "--data", data, "--spaces", str(spaces)]
    cmd += ["--days", str(days), "--events-per-day", str(events_per_day), "--seed", str(seed)]
    if last_day:
        cmd += ["--last-day", last_day]
    done = subprocess.run(cmd, capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError("atd demo failed: %s" % done.stderr.decode(errors="replace"))


class Mount:
    """One atfs mount (foreground -f by default), unmounted on close no matter what."""

    def __init__(self, world, endpoint, apikey, options="", name="mnt"):
        self.world = world
        self.mountpoint = tempfile.mkdtemp(prefix=name + "-", dir=world.tmp)
        self.config = write_config(world.tmp, endpoint, apikey)
        self.options = options
        self.log_path = self.mountpoint + ".log"
        self.proc = None
        _register(self)

    def argv(self, foreground=True):
        opts = "config=" + self.config + ("," + self.options if self.options else "")
        argv = [find_bin("atfs", "ATFS_BIN"), self.mountpoint]
        return argv + (["-f"] if foreground else []) + ["-o", opts]

    def start(self, timeout=30):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        ok = wait_until(lambda: is_mounted(self.mountpoint) or self.proc.poll() is not None, timeout)
        if not ok or not is_mounted(self.mountpoint):
            self.close()
            raise RuntimeError("atfs did not mount:\n" + tail(self.log_path))
        return self

    def path(self, *parts):
        return os.path.join(self.mountpoint, *parts)

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(15)

    def unmount(self, timeout=30):
        """fusermount3 -u (retried while busy), then waits for atfs to exit. Returns its code."""
        ok = wait_until(lambda: not is_mounted(self.mountpoint) or _fusermount("-u", self.mountpoint), 10, 0.2)
        if not ok:
            _fusermount("-uz", self.mountpoint)
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)
            return None

    def close(self):
        if is_mounted(self.mountpoint):
            self.unmount()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(15)
        if is_mounted(self.mountpoint):
            _fusermount("-uz", self.mountpoint)

    def log(self):
        return tail(self.log_path, 200)


def _fusermount(flag, path):
    done = subprocess.run(["fusermount3", flag, path], capture_output=True, timeout=30)
    return done.returncode == 0


def write_config(folder, endpoint, apikey, mode=0o600):
    fd, path = tempfile.mkstemp(prefix="config-", suffix=".json", dir=folder)
    with os.fdopen(fd, "w") as f:
        json.dump({"endpoint": endpoint, "apikey": apikey}, f)
    os.chmod(path, mode)
    return path


_LIVE = []


def _register(thing):
    _LIVE.append(thing)


def _exit_on_signal(signum, frame):
    sys.exit(128 + signum)  # runs the atexit cleanup below (a timeout sends SIGTERM)


signal.signal(signal.SIGTERM, _exit_on_signal)


@atexit.register
def _cleanup_everything():
    """Last resort: unmount every mount and stop every process this process started."""
    for thing in reversed(_LIVE):
        try:
            thing.close()
        except Exception as err:  # keep cleaning the rest
            print("cleanup: %r: %s" % (thing, err), file=sys.stderr)


# --- a counting reverse proxy -------------------------------------------------


class CountingProxy:
    """Forwards HTTP to atd and records every (method, path), to prove what atfs asked."""

    HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}

    def __init__(self, upstream_port):
        self.requests = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                proxy.record(self.command, self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in proxy.HOP}
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
                try:
                    conn.request(self.command, self.path, body, headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in proxy.HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        _register(self)

    def record(self, method, path):
        with self.lock:
            self.requests.append((method, path))

    def count(self, method, prefix):
        with self.lock:
            return sum(1 for m, p in self.requests if m == method and p.startswith(prefix))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# --- data -----------------------------------------------------------------


def big_day_lines(day, target_bytes, seed=5):
    """JSON lines of CADF events on one day, in eventTime order, about target_bytes long.
    The messages are random hex, so the gzip stays large (streaming is really exercised)."""
    rng = random.Random(seed)
    count = max(1, target_bytes // 1100)  # one event is about 1100 bytes
    lines = []
    for i in range(count):
        second = i * 86400 // count
        clock = "%02d:%02d:%02d.%02d" % (second // 3600, second // 60 % 60, second % 60, i % 100)
        event = {
            "id": "big-%s-%07d" % (day, i),
            "eventTime": "%sT%s+0000" % (day, clock),
            "action": "test.bigfile.read",
            "outcome": "success",
            "severity": "normal",
            "initiator": {"id": "IBMid-big", "name": "big@example.com", "typeURI": "service/security/account/user"},
            "target": {"id": "crn:v1:big:%d" % i, "name": "object-%d" % i, "typeURI": "test/object"},
            "message": "big: %0800x" % rng.getrandbits(3200),
        }
        lines.append(json.dumps(event, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode()


class World:
    """One test module's universe: temp dir, dataset, atd, clients, mounts."""

    def __init__(self, spaces=2, days=45, events_per_day=150, seed=11, last_day=LAST_DAY, big_mb=0):
        self.tmp = tempfile.mkdtemp(prefix="atfs-mount-test-")
        self.data = os.path.join(self.tmp, "data")
        self.last_day = last_day
        self.first_day = shift_day(last_day, -(days - 1)) if last_day else None
        self.mounts = []
        self.atd = None
        _register(self)
        atd_demo(self.data, spaces, days, events_per_day, seed, last_day)
        self.atd = Atd(self.data, self.tmp)
        self.client = AtdClient(self.atd.endpoint, DEMO_KEY)
        self.auditor = AtdClient(self.atd.endpoint, AUDITOR_KEY)
        self.domains = self.client.domains()
        self.big_day = None
        if big_mb:
            self.big_day = BIG_DAY
            self.client.ingest(self.space_domains()[0], big_day_lines(BIG_DAY, big_mb << 20))

    def space_domains(self):
        return [d for d in self.domains if not d.account]

    def mount(self, apikey=DEMO_KEY, options="", endpoint=None, start=True):
        m = Mount(self, endpoint or self.atd.endpoint, apikey, options)
        self.mounts.append(m)
        return m.start() if start else m

    def close(self):
        for m in reversed(self.mounts):
            m.close()
        if self.atd is not None:
            self.atd.close()
        if not os.environ.get("ATFS_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- ground truth ---------------------------------------------------

    def status(self, domain):
        return self.client.status(domain, hours=True)

    def expected_files(self, domain):
        """{relative name: (size, gzip_size)} of every listed day and hour file of a domain."""
        files = {}
        for day in self.status(domain):
            files[day["date"] + ".json"] = day["size"]
            files[day["date"] + ".json.gz"] = day["gzip_size"]
            for hour in day.get("hours", []):
                base = "%s/%02d.json" % (day["date"], hour["hour"])
                files[base] = hour["size"]
                files[base + ".gz"] = hour["gzip_size"]
        return files

    def truth_tree(self, domains=None, hours=True, threads=3):
        """Downloads every day (and hour) file of the domains into tmp/truth/<rel>/, as
        the mount should show them; returns that root. Cached per call signature."""
        root = os.path.join(self.tmp, "truth")
        jobs = []
        for domain in domains or self.domains:
            for day in self.status(domain):
                jobs.append((domain, day["date"], None))
                if hours:
                    jobs += [(domain, day["date"], h["hour"]) for h in day.get("hours", [])]
        jobs = [j for j in jobs if not os.path.exists(self._truth_path(root, *j) + ".gz")]
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda job: self._fetch_truth(root, *job), jobs))
        return root

    def _truth_path(self, root, domain, day, hour):
        if hour is None:
            return os.path.join(root, domain.rel, day + ".json")
        return os.path.join(root, domain.rel, day, "%02d.json" % hour)

    def _fetch_truth(self, root, domain, day, hour):
        path = self._truth_path(root, domain, day, hour)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        raw = self.client.download_gz(domain, day, day, hour)
        from atd_client import inflate

        with open(path, "wb") as f:
            f.write(inflate(raw))
        with open(path + ".gz", "wb") as f:
            f.write(raw)

    def sessions(self, client=None):
        return (client or self.client).sessions()

    def wait_no_sessions(self, client=None, timeout=5.0, only_atfs=False):
        """Polls GET /v3/sessions until empty (release is asynchronous); returns what is left."""

        def left():
            found = self.sessions(client)
            if only_atfs:
                found = [s for s in found if str(s.get("tag", "")).startswith(SESSION_TAG_PREFIX)]
            return found

        remaining = left()
        deadline = time.monotonic() + timeout
        while remaining and time.monotonic() < deadline:
            time.sleep(0.1)
            remaining = left()
        return remaining


class MountTestCase(unittest.TestCase):
    """Base of every module: one World and one mount per class; after every test the
    test user must have no session left on atd."""

    WORLD = {}  # World(**WORLD)
    MOUNT_OPTIONS = ""
    SESSION_BOUND = 5.0  # seconds atfs may take to release sessions after close

    @classmethod
    def setUpClass(cls):
        find_bin("atfs", "ATFS_BIN")
        cls.world = World(**cls.WORLD)
        cls.mnt = cls.world.mount(options=cls.MOUNT_OPTIONS)

    @classmethod
    def tearDownClass(cls):
        world = getattr(cls, "world", None)
        if world is None:
            return
        for m in world.mounts:
            if m.proc is not None and m.proc.poll() not in (None, 0):
                print("--- atfs log (%s) ---\n%s" % (m.mountpoint, m.log()), file=sys.stderr)
        world.close()

    def tearDown(self):
        world = self.world
        if world.atd is None or not world.atd.alive():
            return
        left = world.wait_no_sessions(timeout=self.SESSION_BOUND)
        self.assertEqual(left, [], "sessions left on atd after the test")

    def p(self, *parts):
        return self.mnt.path(*parts)


# --- a reader in its own process (so a hang can be bounded and killed) -----------

READER = r"""
import json, os, sys
path, first = sys.argv[1], int(sys.argv[2])
total = 0
started = False
try:
    fd = os.open(path, os.O_RDONLY)
    while total < first:
        data = os.read(fd, min(65536, first - total))
        if not data:
            break
        total += len(data)
    print("started", flush=True)
    started = True
    sys.stdin.readline()
    while True:
        data = os.read(fd, 1 << 20)
        if not data:
            break
        total += len(data)
    os.close(fd)
    print(json.dumps({"errno": 0, "bytes": total}), flush=True)
except OSError as err:
    if not started:
        print("started", flush=True)
    print(json.dumps({"errno": err.errno, "bytes": total, "error": str(err)}), flush=True)
"""


class Reader:
    """Opens a file, reads `first` bytes, then waits for go() to read on to the end."""

    def __init__(self, path, first=1 << 20):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, path, str(first)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        _register(self)

    def wait_started(self, timeout=60):
        line = _readline_with_timeout(self.proc.stdout, timeout)
        return line is not None and line.strip() == "started"

    def go(self):
        try:
            self.proc.stdin.write(b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass

    def result(self, timeout):
        """The reader's {"errno","bytes"} or None when it did not finish within timeout."""
        line = _readline_with_timeout(self.proc.stdout, timeout)
        if not line:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return {"errno": -1, "bytes": -1, "error": line}

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass  # stuck in the kernel on a dead mount: the unmount frees it
        # Close our ends of its pipes now rather than at garbage collection (ResourceWarning).
        # stdout only once it exited: a result() thread may still be reading it until EOF.
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        if self.proc.poll() is not None:
            self.proc.stdout.close()


def process_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def pids_of_mount(mountpoint):
    """Pids of atfs processes whose argv names this (unique) mountpoint."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"atfs") and mountpoint.encode() in argv:
            pids.append(int(entry))
    return pids
