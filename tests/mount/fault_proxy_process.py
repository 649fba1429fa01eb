"""tests/tools/fault_proxy.py as the mount tests run it: a child process in front of atd,
stopped when the test process exits whatever happens."""

import os
import re
import subprocess
import sys

from exit_cleanup import register
from processes import REPO, readline_with_timeout

SCRIPT = os.path.join(REPO, "tests", "tools", "fault_proxy.py")


class FaultProxy:
    """fault_proxy.py --listen 127.0.0.1:0 --target <atd> plus the given fault flags."""

    def __init__(self, target_port, *flags):
        argv = [sys.executable, SCRIPT, "--listen", "127.0.0.1:0", "--target", "127.0.0.1:%d" % target_port]
        self.proc = subprocess.Popen(argv + list(flags), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        register(self)
        line = readline_with_timeout(self.proc.stdout, 30) or ""
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not match:
            self.close()
            raise RuntimeError("fault_proxy did not start: %r" % line)
        self.endpoint = "http://127.0.0.1:%s" % match.group(1)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()
