"""Events stamped with the clock's current time, for tests of today's live files."""

import datetime
import json


INGEST_LAG = 300  # seconds an hour stays open to ingest after it ends (FsOptions::kIngestLag)


def now_event(tag, seconds_ago=0.0):
    """One CADF event whose eventTime is now (minus seconds_ago), as a JSON line (bytes)."""
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds_ago)
    event = {
        "id": "live-%s" % tag,
        "eventTime": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (t.microsecond // 1000),
        "action": "test.live.%s" % tag,
        "outcome": "success",
        "severity": "normal",
        "initiator": {"id": "IBMid-live", "name": "live@example.com", "typeURI": "service/security/account/user"},
        "target": {"id": "crn:v1:live:%s" % tag, "name": tag, "typeURI": "test/object"},
        "message": "live event %s" % tag,
    }
    return (json.dumps(event, separators=(",", ":")) + "\n").encode()


def utc_hour():
    return datetime.datetime.now(datetime.timezone.utc).hour


def event_in_hour(tag, day, hour, minute):
    """One CADF event at day (a date) hour:minute, as a JSON line (bytes)."""
    t = datetime.datetime(day.year, day.month, day.day, hour, minute, 30, 500000, datetime.timezone.utc)
    return now_event(tag, (datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())


def finished_hour(margin=60):
    """(date, hour) of today's newest hour that atfs reads as finished (past INGEST_LAG, with
    margin seconds to spare), or None early in the UTC day when no hour of today has."""
    now = datetime.datetime.now(datetime.timezone.utc)
    open_at = now - datetime.timedelta(seconds=INGEST_LAG + margin)
    if open_at.date() != now.date() or open_at.hour == 0:
        return None
    return now.date(), open_at.hour - 1
