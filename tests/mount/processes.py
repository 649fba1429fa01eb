"""Finding the binaries under test, and waiting on what the tests start without hanging."""

import os
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def find_bin(name, env):
    """CMake passes each binary in an environment variable; by hand, a build dir is searched."""
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


def readline_with_timeout(stream, timeout):
    """One line of a child's pipe as text, or None when none came within timeout."""
    result = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0].decode(errors="replace") if result else None


def tail(path, lines=30):
    """The last lines of a log, for a failure message ("" when there is none)."""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def process_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
