"""The last resort: whatever a test process started is closed when that process exits.

Atd, Mount, World, CountingProxy and Reader register themselves on creation. At exit (the
end of the run, an uncaught error, or the SIGTERM of a CTest timeout) every one of them is
closed, newest first, so nothing stays mounted or running whatever the tests did.
"""

import atexit
import signal
import sys

_LIVE = []


def register(thing):
    """Closes thing (anything with close()) at exit; closing twice must be harmless."""
    _LIVE.append(thing)


def _exit_on_signal(signum, frame):
    sys.exit(128 + signum)  # runs the atexit cleanup below (a timeout sends SIGTERM)


signal.signal(signal.SIGTERM, _exit_on_signal)


@atexit.register
def _cleanup_everything():
    """Unmounts every mount and stops every process this process started."""
    for thing in reversed(_LIVE):
        try:
            thing.close()
        except Exception as err:  # keep cleaning the rest
            print("cleanup: %r: %s" % (thing, err), file=sys.stderr)
