"""What bench/mount-bench is built of: one atd and its token, one atfs mount (optionally
pinned to CPUs, with or without the disk cache), dropping the page cache, timing pipelines in
turns, peak RSS, sessions counted per step, and fio."""
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

APIKEY = "demo-apikey-0123456789abcdef"


class Service:
    """One atd over a data folder, and a token for its demo user."""

    def __init__(self, build, data):
        self.proc = subprocess.Popen(
            [f"{build}/server/atd", "serve", "--data", data, "--listen", "127.0.0.1:0", "--quiet"],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise SystemExit(f"atd did not start over {data}: {line!r}")
        self.endpoint = line.split("listening on", 1)[1].strip()
        self.spaces = []
        form = urllib.parse.urlencode(
            {"grant_type": "password", "username": "apikey", "password": APIKEY}).encode()
        req = urllib.request.Request(f"{self.endpoint}/UAALoginServerWAR/oauth/token", data=form)
        req.add_header("Authorization", "Basic " + base64.b64encode(b"cf:").decode())
        self.token = json.load(urllib.request.urlopen(req))["access_token"]
        self.spaces = self.call("GET", "/v3/spaces")["spaces"]

    def call(self, method, path, body=None, project=None):
        req = urllib.request.Request(self.endpoint + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        req.add_header("X-Auth-Token", "bearer " + self.token)
        if project or self.spaces:  # /v3/spaces itself names no space
            req.add_header("X-Auth-Project-Id", project or self.spaces[0]["guid"])
        req.add_header("Content-Type", "application/json")
        return json.load(urllib.request.urlopen(req))

    def days(self, space):
        return self.call("GET", "/v3/events?hours=false", project=space["guid"])["days"]

    def session(self, space, day):
        s = self.call("POST", "/v3/sessions", {"start": day, "end": day, "AtAccountLevel": False,
                                               "SearchTime": "", "tag": "bench"}, space["guid"])
        return s["id"]

    def delete(self, space, sid):
        self.call("DELETE", f"/v3/sessions/{sid}", project=space["guid"])

    def curl(self, space, sid):
        return (f"curl -sf -H 'X-Auth-Token: bearer {self.token}' "
                f"-H 'X-Auth-Project-Id: {space['guid']}' -H 'SESSIONID: {sid}' "
                f"{self.endpoint}/v3/events/download")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Mount:
    """One atfs mount in the foreground. `cpus`: pinned with taskset; `options`: more -o."""

    def __init__(self, build, service, where, extra="", cpus=None):
        self.where = where
        os.makedirs(where, exist_ok=True)
        cfg = os.path.join(os.path.dirname(where), os.path.basename(where) + ".json")
        with open(os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump({"endpoint": service.endpoint, "apikey": APIKEY}, f)
        opts = f"config={cfg}" + ("," + extra if extra else "")
        pin = ["taskset", "-c", cpus] if cpus else []
        self.proc = subprocess.Popen(pin + [f"{build}/fs/atfs", where, "-f", "-o", opts])
        for _ in range(200):
            if os.path.ismount(where):
                return
            time.sleep(0.05)
        raise SystemExit(f"atfs did not mount {where}")

    def space_dir(self, space):
        return os.path.join(self.where, "spaces", space["org"], space["name"])

    def control(self, name):
        with open(os.path.join(self.where, ".atfs", name)) as f:
            return json.load(f)

    def sessions_created(self):
        return self.control("stats.json")["sessions_created"]

    def stop(self):
        subprocess.run(["fusermount3", "-u", self.where], check=False)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            subprocess.run(["fusermount3", "-uz", self.where], check=False)


class Sessions:
    """Counts the sessions a mount created while a block runs: `with Sessions(m) as s: ...`,
    then s.created (also printed, so every step of the bench says what it cost)."""

    def __init__(self, mount, label=""):
        self.mount, self.label, self.created = mount, label, None

    def __enter__(self):
        self.before = self.mount.sessions_created()
        return self

    def __exit__(self, *exc):
        self.created = self.mount.sessions_created() - self.before
        print(f"   sessions created{' by ' + self.label if self.label else ''}: {self.created}")


def atfs_has_option(build, name):
    """Whether this atfs takes -o name (`atfs --print-options=usage`): the bench also runs on
    trees from before the read engine, which must not be passed its options."""
    done = subprocess.run([f"{build}/fs/atfs", "--print-options=usage"], capture_output=True, text=True)
    return re.search(r"\b%s\b" % re.escape(name), done.stdout + done.stderr) is not None


def drop_cache(*paths):
    """Evicts the mount's page cache of these files (keep_cache would otherwise serve a
    repeated run from memory, and the bench would time the kernel instead of atfs)."""
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def drop_page_cache():
    """Drops the whole page cache (echo 1 > drop_caches, after a sync) where the bench says
    "drop_caches"; False when not root (then only the files' own pages are evicted)."""
    subprocess.run(["sync"], check=False)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("1")
        return True
    except OSError:
        return False


def timed(cmd, repeat=3, cold=(), pipefail=True):
    """Best wall time of `repeat` runs of a shell pipeline (best, not mean: noise only adds).
    `cold`: mount files evicted from the page cache before each run. No pipefail for
    pipelines ending in `head`, whose upstream dies of SIGPIPE by design."""
    best = None
    for _ in range(repeat):
        drop_cache(*cold)
        t = time.perf_counter()
        subprocess.run(["bash"] + (["-o", "pipefail"] if pipefail else []) + ["-c", cmd],
                       check=True, stdout=subprocess.DEVNULL)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best


def timed_side_by_side(cmds, repeat):
    """Best wall time of each named (pipeline, cold files) run in turns, A B C A B C ...:
    the load of a shared machine drifts over seconds, and runs of one command grouped
    together would each see a different machine. Returns ({name: best}, {name: [all]})."""
    runs = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, (cmd, cold) in cmds.items():
            runs[name].append(timed(cmd, 1, cold=cold))
    return {name: min(ts) for name, ts in runs.items()}, runs


def with_session(service, space, day, fn):
    sid = service.session(space, day)
    try:
        return fn(service.curl(space, sid))
    finally:
        service.delete(space, sid)


class PeakRss:
    """Samples a process's resident set while a block runs (VmHWM is reset first)."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop_flag = pid, 0, False

    def __enter__(self):
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        return self

    def _read(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    self.peak = max(self.peak, int(line.split()[1]) * 1024)

    def _run(self):
        while not self.stop_flag:
            self._read()
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.stop_flag = True
        self.thread.join()
        self._read()


def demo(build, data, spaces, days, per_day, last_day):
    if os.path.exists(os.path.join(data, "users.json")):
        return
    subprocess.run([f"{build}/server/atd", "demo", "--data", data, "--spaces", str(spaces),
                    "--days", str(days), "--events-per-day", str(per_day), "--seed", "7",
                    "--last-day", last_day], check=True, stdout=subprocess.DEVNULL)


def fio_randread(path, runtime, rss_pid=None):
    """fio --rw=randread --bs=4k for `runtime` s on one file: (IOPS, p99 latency in ms, peak
    RSS of rss_pid in bytes), or None when fio is not installed. psync, one job: each read is
    one pread; fio's default fadvise(RANDOM) keeps the kernel from reading ahead."""
    if not shutil.which("fio"):
        return None
    cmd = ["fio", "--name=randread", f"--filename={path}", "--rw=randread", "--bs=4k",
           f"--runtime={runtime}", "--time_based", "--ioengine=psync", "--readonly",
           "--invalidate=1", "--output-format=json"]
    rss = PeakRss(rss_pid) if rss_pid else None
    if rss:
        rss.__enter__()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=runtime + 300)
    finally:
        if rss:
            rss.__exit__(None, None, None)
    if done.returncode != 0:
        raise SystemExit(f"fio failed: {done.stderr.strip()}")
    read = json.loads(done.stdout[done.stdout.index("{"):])["jobs"][0]["read"]
    p99 = read["clat_ns"]["percentile"].get("99.000000", 0) / 1e6
    return read["iops"], p99, (rss.peak if rss else 0)


def stream_slices(cmd, offsets, size):
    """{offset: the `size` bytes at offset} of a pipeline's output, read once front to back
    (the ground truth of a 1 GB day without holding it in memory)."""
    want, buf, start = {}, b"", 0
    proc = subprocess.Popen(["bash", "-o", "pipefail", "-c", cmd], stdout=subprocess.PIPE)
    try:
        for o in sorted(set(offsets)):
            if start + len(buf) <= o:  # nothing buffered is wanted any more
                start, buf = start + len(buf), b""
            while start + len(buf) < o + size:
                chunk = proc.stdout.read(1 << 20)
                if not chunk:
                    break
                buf += chunk
            buf, start = buf[o - start :], o
            want[o] = buf[:size]
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
    return want
