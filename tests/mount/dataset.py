"""The data the tests read: `atd demo`'s generated data folder, a big day of random events
ingested on top of it, and date arithmetic over both."""

import datetime
import json
import random
import subprocess

from processes import find_bin

LAST_DAY = "2026-06-30"  # fixed: the main dataset's dates never depend on today
BIG_DAY = "2026-04-01"  # outside the demo's days: only our ~20 MB of ingested events


def atd_demo(data, spaces, days, events_per_day, seed, last_day=None):
    """Fills the data folder with atd's seeded demo users, spaces and events."""
    cmd = [find_bin("atd", "ATD_BIN"), "demo", "--data", data, "--spaces", str(spaces)]
    cmd += ["--days", str(days), "--events-per-day", str(events_per_day), "--seed", str(seed)]
    if last_day:
        cmd += ["--last-day", last_day]
    done = subprocess.run(cmd, capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError("atd demo failed: %s" % done.stderr.decode(errors="replace"))


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
