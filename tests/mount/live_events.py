"""Events stamped with the clock's current time, for tests of today's live files."""

import datetime
import json


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
