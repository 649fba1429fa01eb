"""A reader of a mounted file in its own process, so that a read which hangs can be bounded
and killed."""

import json
import subprocess
import sys

from exit_cleanup import register
from processes import readline_with_timeout

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
        register(self)

    def wait_started(self, timeout=60):
        line = readline_with_timeout(self.proc.stdout, timeout)
        return line is not None and line.strip() == "started"

    def go(self):
        try:
            self.proc.stdin.write(b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass

    def result(self, timeout):
        """The reader's {"errno","bytes"} or None when it did not finish within timeout."""
        line = readline_with_timeout(self.proc.stdout, timeout)
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
