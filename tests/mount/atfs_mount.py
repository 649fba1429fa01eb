"""atfs as the tests run it: one mount on a temp folder, unmounted on close no matter what,
plus the config file it reads and the ways to see a mount and its processes from outside."""

import json
import os
import subprocess
import tempfile

from exit_cleanup import register
from processes import find_bin, tail, wait_until

SESSION_TAG_PREFIX = "atfs"  # atfs tags each session it creates "atfs host=H pid=P mnt=M"


def atfs_sessions(sessions):
    """The sessions of a GET /v3/sessions list that some atfs mount created."""
    return [s for s in sessions if str(s.get("tag", "")).startswith(SESSION_TAG_PREFIX)]


def atfs_argv(mountpoint, config, options="", foreground=True):
    """atfs's command line; foreground adds -f, so atfs stays our child instead of daemonizing."""
    if "cache_dir=" not in options and "cache=off" not in options:
        # Never the user's disk cache: each mount its own, next to its mountpoint.
        options = "cache_dir=%s.cache" % mountpoint.rstrip("/") + ("," + options if options else "")
    opts = "config=" + config + ("," + options if options else "")
    argv = [find_bin("atfs", "ATFS_BIN"), mountpoint]
    return argv + (["-f"] if foreground else []) + ["-o", opts]


class Mount:
    """One atfs mount (foreground -f by default), unmounted on close no matter what."""

    def __init__(self, folder, endpoint, apikey, options="", name="mnt"):
        self.mountpoint = tempfile.mkdtemp(prefix=name + "-", dir=folder)
        self.config = write_config(folder, endpoint, apikey)
        self.options = options
        self.log_path = self.mountpoint + ".log"
        self.proc = None
        register(self)

    def start(self, timeout=30):
        argv = atfs_argv(self.mountpoint, self.config, self.options)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
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
        ok = wait_until(lambda: not is_mounted(self.mountpoint) or fusermount("-u", self.mountpoint), 10, 0.2)
        if not ok:
            fusermount("-uz", self.mountpoint)
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
            fusermount("-uz", self.mountpoint)

    def log(self):
        return tail(self.log_path, 200)


def write_config(folder, endpoint, apikey, mode=0o600):
    fd, path = tempfile.mkstemp(prefix="config-", suffix=".json", dir=folder)
    with os.fdopen(fd, "w") as f:
        json.dump({"endpoint": endpoint, "apikey": apikey}, f)
    os.chmod(path, mode)
    return path


def fusermount(flag, path):
    done = subprocess.run(["fusermount3", flag, path], capture_output=True, timeout=30)
    return done.returncode == 0


def is_mounted(path):
    path = os.path.realpath(path)
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) > 1 and fields[1].replace("\\040", " ") == path:
                return True
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
