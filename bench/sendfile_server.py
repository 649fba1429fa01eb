#!/usr/bin/env python3
"""The yardstick for atd's download route: serves one file over HTTP/1.1 with keep-alive,
the body sent by sendfile(2) (socket.sendfile), so the kernel copies from the page cache to
the socket with no user-space buffer. Python only parses the request head.

  bench/sendfile_server.py FILE [PORT]   prints "listening on http://127.0.0.1:PORT"
Any GET path answers with FILE; Ctrl-C or SIGTERM stops it.
"""
import os
import signal
import socket
import sys
import threading


def serve_connection(conn, path):
    with conn:
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            head, buf = buf.split(b"\r\n\r\n", 1)
            size = os.path.getsize(path)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                         b"Content-Length: %d\r\n\r\n" % size)
            if head.startswith(b"HEAD "):
                continue
            with open(path, "rb") as f:
                conn.sendfile(f)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = socket.create_server(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    print(f"listening on http://127.0.0.1:{srv.getsockname()[1]}", flush=True)
    while True:
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve_connection, args=(conn, path), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
