"""One `atd serve` process on 127.0.0.1, port 0 unless told, over a data folder."""

import os
import re
import signal
import subprocess
import threading
import time

from exit_cleanup import register
from processes import find_bin, readline_with_timeout, tail


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
        register(self)
        line = readline_with_timeout(self.proc.stdout, 60)
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
