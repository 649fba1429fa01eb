#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (tests/fuzz/corpus/<target>/) from the shapes
of server/API.md, the API test fixtures (tests/api/ApiFixture.cpp) and the attacks of issue 9.
Run it again after changing a seed; the files are checked in so a fuzz run needs no Python.
The attacks of issue 9 (attack(): nesting, out-of-range numbers and dates, invalid UTF-8) are
seeds like the others since its fixes landed: CTest replays them on every fuzz run."""
import gzip
import hashlib
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DEEP = 100_000  # the nesting of issue 9's stack overflow


def write(folder, target, name, data):
    d = os.path.join(HERE, folder, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def seed(target, name, data):
    write("corpus", target, name, data)


def attack(target, name, data):
    seed(target, name, data)


def event(i, t):
    return json.dumps({"id": f"ev-{i}", "eventTime": t, "action": "iam.apikey.login",
                       "outcome": "success",
                       "initiator": {"id": "IBMid-1", "name": "alice@example.com"},
                       "message": f"login ev-{i}"}, separators=(",", ":"))


def gz(data, level=6):
    return gzip.compress(data if isinstance(data, bytes) else data.encode(), level, mtime=0)


deep_array = "[" * DEEP + "]" * DEEP

# --- session_request: POST /v3/sessions bodies --------------------------------------------
S = "session_request"
seed(S, "api-example", '{"start":"2017-07-25","end":"2017-07-25","AtAccountLevel":false,'
                       '"SearchTime":"","tag":"atfs:host:pid"}')
seed(S, "empty", "")
seed(S, "empty-object", "{}")
seed(S, "start-only", '{"start":"2017-07-01"}')
seed(S, "end-only", '{"end":"2017-07-25"}')
seed(S, "hour-number", '{"start":"2017-07-25","end":"2017-07-25","SearchTime":7}')
seed(S, "hour-string", '{"start":"2017-07-25","end":"2017-07-25","SearchTime":"23"}')
seed(S, "account-string", '{"AtAccountLevel":"true"}')
seed(S, "too-long", '{"start":"2017-07-01","end":"2017-07-31"}')
seed(S, "end-before-start", '{"start":"2017-07-25","end":"2017-07-24"}')
seed(S, "feb-30", '{"start":"2017-02-30"}')
seed(S, "not-object", '[1,2]')
seed(S, "tag-129", json.dumps({"tag": "x" * 129}))
attack(S, "end-1970", '{"end":"1970-01-01"}')
seed(S, "hour-huge", '{"SearchTime":9223372036854775807}')
seed(S, "hour-float", '{"SearchTime":1e999}')
seed(S, "hour-98e304", '{"SearchTime":98e304}')
seed(S, "date-10000", '{"start":"9999-12-31","end":"9999-12-31"}')
# Quoted in an error message: invalid UTF-8 made dump() throw (issue 9).
attack(S, "invalid-utf8-date", b'{"start":"2017-07-\xff"}')
attack(S, "invalid-utf8-hour", b'{"SearchTime":"\xc3\x28"}')
attack(S, "deep-searchtime", '{"SearchTime":' + deep_array + "}")
attack(S, "deep-account", '{"AtAccountLevel":' + deep_array + "}")

# --- byte_range: 8 bytes little-endian size, then the Range header -------------------------
R = "byte_range"
def rng(total, header):
    return struct.pack("<Q", total) + header.encode()
for name, total, header in [("open", 1000, "bytes=10-"), ("closed", 1000, "bytes=10-19"),
                            ("suffix", 1000, "bytes=-100"), ("past-end", 1000, "bytes=1000-"),
                            ("clamped", 1000, "bytes=990-5000"), ("several", 1000, "bytes=0-1,5-6"),
                            ("empty-body", 0, "bytes=0-"), ("suffix-zero", 1000, "bytes=-0"),
                            ("max", 2**64 - 2, "bytes=18446744073709551615-"),
                            ("overflow", 1000, "bytes=99999999999999999999999-"),
                            ("spaces", 1000, "bytes= 1 - 2"), ("no-unit", 1000, "10-20"),
                            ("huge-suffix", 10, "bytes=-18446744073709551615")]:
    seed(R, name, rng(total, header))

# --- query_dates: one value as a query, body or eventTime gives it -------------------------
Q = "query_dates"
for name, text in [("day", "2017-07-25"), ("leap", "2016-02-29"), ("feb-30", "2017-02-30"),
                   ("hour-stamp", "2017-07-25T07"), ("hour", "7"), ("hour-23", "23"),
                   ("hour-24", "24"), ("event-z", "2017-07-25T10:29:28Z"),
                   ("event-millis", "2017-07-25T10:29:28.54+0000"),
                   ("event-nanos", "2017-07-25T10:29:28.541092735+01:00"),
                   ("first-day", "1970-01-01"), ("last-day", "9999-12-31"),
                   ("year-10000", "10000-01-01"), ("before-epoch", "1969-12-31T23:59:59Z"),
                   ("int64-max", "9223372036854775807"), ("float", "1e999")]:
    seed(Q, name, text)
attack(Q, "invalid-utf8", b"2017-07-\xff\xfe")
# Out of range after normalising to UTC: the day 10000-01-01 that poisoned a space (issue 9).
attack(Q, "offset-past-9999", "9999-12-31T23:59:59-23:59")
seed(Q, "offset-99-99", "2017-07-25T10:00:00-99:99")

# --- ingest_lines and ingest_body: POST /v3/events ---------------------------------------
I = "ingest_lines"
lines = [event(i, t) for i, t in enumerate(["2017-07-25T10:29:28.54+0000", "2017-07-25T10:00:00Z",
                                            "2017-07-25T11:59:59.999999+01:00",
                                            "2017-07-26T00:00:00Z"])]
batch = "\n".join(lines) + "\n"
seed(I, "fixture-batch", batch)
seed(I, "one-line", lines[0])
seed(I, "crlf", lines[0] + "\r\n" + lines[1] + "\r\n")
seed(I, "blank-lines", "\n\n" + lines[0] + "\n\n")
seed(I, "feb-30", '{"id":"bad","eventTime":"2017-02-30T10:00:00Z"}\n')
seed(I, "no-id", '{"eventTime":"2017-07-25T10:00:00Z"}\n')
seed(I, "not-object", '[1]\n')
seed(I, "nul-inside", lines[0] + "\0garbage\n")
seed(I, "huge-int", '{"id":"a","eventTime":"2017-07-25T10:00:00Z","n":9223372036854775807}\n')
seed(I, "float-98e304", '{"id":"a","eventTime":"2017-07-25T10:00:00Z","size":98e304}\n')
attack(I, "float-1e999", '{"id":"a","eventTime":"2017-07-25T10:00:00Z","n":1e999}\n')
attack(I, "invalid-utf8", b'{"id":"\xff","eventTime":"2017-07-25T10:00:00Z"}\n')
attack(I, "invalid-utf8-time", b'{"id":"a","eventTime":"2017-07-25T10:00:\xff"}\n')
attack(I, "deep-field", '{"id":"a","eventTime":"2017-07-25T10:00:00Z","x":' + deep_array + "}\n")
attack(I, "offset-past-9999", '{"id":"a","eventTime":"9999-12-31T23:59:59-23:59"}\n')

B = "ingest_body"
seed(B, "plain", batch)
seed(B, "gzip", gz(batch))
seed(B, "gzip-two-members", gz(lines[0] + "\n") + gz(lines[1] + "\n"))
seed(B, "gzip-truncated", gz(batch)[:-5])
seed(B, "gzip-bad-crc", gz(batch)[:-8] + b"\0\0\0\0" + gz(batch)[-4:])
seed(B, "gzip-trailing-garbage", gz(batch) + b"junk")
seed(B, "gzip-bomb-2mib", gz(b"\n" * (2 << 20), 9))  # over the 1 MiB limit of the target
seed(B, "magic-only", b"\x1f\x8b")

# --- api_reply: first byte = status index << 3 | call (0 token, 1 session, 2 sessions,
# 3 status, 4 spaces, 5 error); see api_reply.cpp -----------------------------------------
A = "api_reply"
def reply(call, status_index, body):
    return bytes([(status_index << 3) | call]) + (body.encode() if isinstance(body, str) else body)
session = ('{"id":"32c657c5-31c0-4a3c-a139-b380871c737a","space":"sp","username":"alice@example.com",'
           '"create-time":"2017-07-25T10:29:28.541092735Z","access-time":"2017-07-25T10:29:28.541092735Z",'
           '"date-range":{"Start":"2017-07-25","End":"2017-07-25"},'
           '"types":{"Type":"ActivityTracker","AtAccountLevel":false},"search-time":"",'
           '"count":120,"size":98304,"gzip-size":20480,"tag":""}')
status = ('{"domain":"account","days":[{"date":"2017-07-25","count":120,"size":98304,"gzip_size":20480,'
          '"hours":[{"hour":0,"count":3,"size":2048,"gzip_size":700}]}]}')
spaces = ('{"user":"alice@example.com","account_access":true,'
          '"spaces":[{"guid":"g1","name":"dev","org":"acme"}]}')
token = ('{"access_token":"' + "ab" * 32 + '","token_type":"bearer","expires_in":3600,'
         '"scope":"","jti":"' + "cd" * 16 + '"}')
seed(A, "token", reply(0, 0, token))
seed(A, "session", reply(1, 1, session))
seed(A, "session-hour", reply(1, 0, session.replace('"search-time":""', '"search-time":"7"')))
seed(A, "sessions", reply(2, 0, "[" + session + "," + session + "]"))
seed(A, "status", reply(3, 0, status))
seed(A, "spaces", reply(4, 0, spaces))
seed(A, "error-400", reply(5, 2, '{"error":{"code":"bad_request","message":"bad date"}}'))
seed(A, "error-429", bytes([0x80 | 5 | (7 << 3)]) + b'{"error":{"code":"limit_reached","message":"30 sessions"}}')
seed(A, "error-html", reply(5, 9, "<html><body>Bad gateway</body></html>"))
seed(A, "error-invalid-utf8", reply(5, 8, b'{"error":{"message":"\xff\xfe"}}'))
seed(A, "not-json", reply(3, 0, "<html>"))
seed(A, "status-bad-date", reply(3, 0, status.replace("2017-07-25", "10000-01-01")))
seed(A, "status-hour-99", reply(3, 0, status.replace('"hour":0', '"hour":99')))
seed(A, "session-empty-id", reply(1, 0, session.replace("32c657c5-31c0-4a3c-a139-b380871c737a", "")))
seed(A, "deep", reply(3, 0, '{"days":' + "[" * 1000 + "]" * 1000 + "}"))
# Client range checks (issue 9): signed overflow and float-to-integer UB; the "harden" change
# range-checks every number, until then these stay out of the corpus.
# Decoded fine; the overflow is TokenSource's ttl * 1000, after tokenFromJson.
seed(A, "token-expires-int64-max", reply(0, 0, token.replace("3600", "9223372036854775807")))
attack(A, "session-size-98e304", reply(1, 0, session.replace('"size":98304', '"size":98e304')))
attack(A, "status-count-1e300", reply(3, 0, status.replace('"count":120', '"count":1e300')))
attack(A, "status-hour-1e300", reply(3, 0, status.replace('"hour":0', '"hour":1e300')))
attack(A, "token-expires-1e300", reply(0, 0, token.replace("3600", "1e300")))
seed(A, "session-hour-1e300", reply(1, 0, session.replace('"search-time":""', '"search-time":1e300')))
seed(A, "deep-100000", reply(3, 0, '{"days":' + deep_array + "}"))

# --- inflater: byte 0 = input piece (0: all), byte 1 = output piece / 64 ----------------
F = "inflater"
def inf(piece, outp, data):
    return bytes([piece, outp]) + data
seed(F, "member", inf(0, 255, gz(batch)))
seed(F, "member-small-pieces", inf(7, 0, gz(batch)))
seed(F, "two-members", inf(0, 16, gz(lines[0]) + gz(lines[1])))
seed(F, "empty-member", inf(0, 1, gz(b"")))
seed(F, "stored-block", inf(3, 2, gz(batch, 0)))
seed(F, "truncated", inf(0, 255, gz(batch)[:-3]))
seed(F, "bad-crc", inf(0, 255, gz(batch)[:-8] + b"\1\2\3\4" + gz(batch)[-4:]))
seed(F, "bad-isize", inf(0, 255, gz(batch)[:-4] + b"\xff\xff\xff\xff"))
seed(F, "trailing-garbage", inf(0, 255, gz(batch) + b"x"))
seed(F, "zlib-wrapped", inf(0, 255, zlib.compress(batch.encode())))  # not gzip: both reject it
seed(F, "raw-deflate", inf(0, 255, zlib.compress(batch.encode())[2:-4]))
seed(F, "fhcrc-fname", inf(0, 255, b"\x1f\x8b\x08\x0a\0\0\0\0\0\3name\0\0\0" + gz(batch)[10:]))
seed(F, "bomb", inf(0, 255, gz(b"\0" * (16 << 20), 9)))
seed(F, "empty", inf(0, 0, b""))

# --- path_model: names inside a domain folder ------------------------------------------
P = "path_model"
for name in ["2017-07-25.json", "2017-07-25.json.gz", "2017-07-25", "today.json", "yesterday.json",
             "2017-07-01..2017-07-31.json", "2017-07-01T22..2017-07-03T02.json.gz",
             "2017-07-01..2017-07-02T05.json", "07.json", "23.json.gz", "24.json", "1969-12-31.json",
             "9999-12-31..9999-12-31T23.json", "2017-02-30.json", "..json", "2017-07-25T05.json"]:
    seed(P, name.replace("/", "_"), name)
seed(P, "invalid-utf8", b"2017-07-\xff.json")

# --- cache_entry: HourCache entry files (fs/read/CacheEntry.h has the layout) ------------
C = "cache_entry"
def cache_entry(domain, day, hour, count, size, gzip_bytes, index, version=1):
    d = domain.encode()
    head = (b"ATFSHOUR" + struct.pack("<IIiI", version, 80 + len(d), day, hour)
            + struct.pack("<QQQQQ", count, size, len(gzip_bytes), len(gzip_bytes), len(index))
            + struct.pack("<III", zlib.crc32(gzip_bytes), zlib.crc32(index), len(d)) + d)
    return head + struct.pack("<I", zlib.crc32(head)) + gzip_bytes + index
hour_gz = gz("".join(event(i, "2017-07-10T05:%02d:00.00+0000" % i) + "\n" for i in range(3)))
seed(C, "entry", cache_entry("account", 17357, 5, 3, 600, hour_gz, b""))
seed(C, "entry-index", cache_entry("0f1e2d3c-aaaa-bbbb-cccc-0123456789ab", 17357, 23, 3, 600,
                                   hour_gz, b"\x01" * 40))
seed(C, "entry-empty-gzip", cache_entry("account", 0, 0, 0, 0, b"", b""))
seed(C, "entry-truncated", cache_entry("account", 17357, 5, 3, 600, hour_gz, b"ix")[:-1])
seed(C, "entry-junk", cache_entry("account", 17357, 5, 3, 600, hour_gz, b"ix") + b"junk")
seed(C, "entry-version-2", cache_entry("account", 17357, 5, 3, 600, hour_gz, b"", version=2))
seed(C, "entry-hour-24", cache_entry("account", 17357, 24, 3, 600, hour_gz, b""))
seed(C, "entry-day-10000", cache_entry("account", 2932897, 1, 3, 600, hour_gz, b""))
seed(C, "entry-domain-257", cache_entry("x" * 257, 17357, 1, 3, 600, b"", b""))
seed(C, "entry-odd-domain", cache_entry("../\xff/.", 17357, 1, 3, 600, b"", b""))
flipped = bytearray(cache_entry("account", 17357, 5, 3, 600, hour_gz, b""))
flipped[100] ^= 1
seed(C, "entry-flipped-gzip", bytes(flipped))
seed(C, "header-cut", cache_entry("account", 17357, 5, 3, 600, b"", b"")[:84])
seed(C, "empty", b"")

# --- printable and bounded_json -------------------------------------------------------
T = "printable"
seed(T, "ascii", b"\x78" + b"bad date in start: 2017-02-30")
seed(T, "invalid-utf8", b"\x10" + b"/%FF\xff\xfe\xc3\x28ok")
seed(T, "controls", b"\x40" + b"line\nbreak\ttab\x1b[31mred\x7f")
seed(T, "utf8-cut", b"\x05" + "ÄÖÜ€😀".encode())
seed(T, "surrogate-overlong", b"\xff" + b"\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80")
seed(T, "zero-limit", b"\x00abc")

J = "bounded_json"
seed(J, "object", b"\x07" + session.encode())
seed(J, "depth-limit", b"\x03" + b"[[[]]]")
seed(J, "over-limit", b"\x02" + b"[[[]]]")
seed(J, "deep-100000", b"\x07" + deep_array.encode())
seed(J, "int64-max", b"\x00" + b"9223372036854775807")
seed(J, "uint64-over", b"\x00" + b"18446744073709551616")
seed(J, "98e304", b"\x00" + b"98e304")
seed(J, "1e999", b"\x00" + b"1e999")
seed(J, "invalid-utf8", b"\x00" + b'"\xff"')
seed(J, "trailing", b"\x00" + b"{} x")

# --- hour_index: byte 0 flags (1 zlib, 2 size given, 4 blob+gz), 1-4 size, 5-6 from/65536,
# 7-8 blob length; then the blob (flag 4) and the hour's gzip bytes --------------------------
H = "hour_index"
def hour(flags, data, size=0, frm=0, blob=b""):
    return bytes([flags]) + struct.pack("<IHH", size, frm, len(blob)) + blob + data
def index_blob(members, size, gz_size, verified=True):
    """HourIndex::serialize() of member starts only: [(in, out), ...]."""
    b = b"ATHI" + bytes([1, 1 if verified else 0, 0, 0]) + struct.pack("<QQI", size, gz_size, len(members))
    for i, o in members:
        b += struct.pack("<QQQIBBII", o, i, o, 0, 0, 1, 0, 0)
    return b + struct.pack("<I", zlib.crc32(b))
big = ("\n".join(event(i, "2017-07-25T10:00:00Z") for i in range(400)) + "\n").encode()
two = gz(lines[0]) + gz(lines[1], 1)
seed(H, "one-member", hour(0, gz(batch)))
seed(H, "one-member-zlib-mid", hour(1, gz(batch), frm=30000))
seed(H, "two-members-end", hour(0, two, frm=65535))
seed(H, "many-members", hour(0, b"".join(gz(l, 9) for l in lines), frm=20000))
seed(H, "stored-with-gzip-inside", hour(0, gz(b"x" * 100 + gz(batch) + b"y" * 100, 0), frm=10000))
seed(H, "false-split-adds-up", hour(0, gz(b"x" * 100 + b"\0" * 8 + gz(batch) + b"y" * 100, 0)))
seed(H, "fhcrc-fname", hour(0, b"\x1f\x8b\x08\x0a\0\0\0\0\0\3name\0\0\0" + gz(batch)[10:]))
seed(H, "wrong-size", hour(2, two, size=len(lines[0]) + len(lines[1]) + 1))
seed(H, "truncated", hour(0, two[:-5]))
seed(H, "big-member", hour(0, gz(big * 40), frm=50000))
seed(H, "empty", hour(0, b""))
n0, n1 = len(lines[0].encode()), len(lines[1].encode())
seed(H, "blob-two-members", hour(4, two, blob=index_blob([(0, 0), (len(gz(lines[0])), n0)], n0 + n1, len(two))))
seed(H, "blob-one-piece", hour(4, two, blob=index_blob([(0, 0)], n0 + n1, len(two), False), frm=40000))
seed(H, "blob-bad-crc", hour(4, two, blob=index_blob([(0, 0)], n0 + n1, len(two))[:-1] + b"\0"))
