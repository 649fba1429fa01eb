#!/usr/bin/env python3
"""A fault-injecting TCP proxy for tests: relays 127.0.0.1 traffic to a target and, on the
connections you choose, cuts, stalls or delays the server-to-client direction.

Prints "fault_proxy listening on HOST:PORT" (flushed) once it accepts connections, then logs
one line per fault to stderr. Stop it with SIGTERM or SIGINT.

Examples:
  fault_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --cut-after 100000 --once \\
                 --match-substring /v3/events/download
  fault_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --stall-after 0
  fault_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --drip-after 100000 --drip-rate 1 \\
                 --match-substring /v3/events/download
  fault_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --reset-at-start --once
  fault_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --delete-500
"""

import argparse
import asyncio
import signal
import socket
import struct
import sys

CHUNK = 64 * 1024


def host_port(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", type=host_port, required=True, help="HOST:PORT to listen on (port 0: any free port)")
    p.add_argument("--target", type=host_port, required=True, help="HOST:PORT to relay to")
    p.add_argument("--cut-after", type=int, metavar="N",
                   help="close a faulted connection after relaying N bytes server->client")
    p.add_argument("--stall-after", type=int, metavar="N",
                   help="stop relaying server->client after N bytes but keep the socket open")
    p.add_argument("--drip-after", type=int, metavar="N",
                   help="after N bytes server->client, relay only --drip-rate bytes per second")
    p.add_argument("--drip-rate", type=int, metavar="R", default=1,
                   help="bytes per second once a connection drips (default 1)")
    p.add_argument("--reset-at-start", action="store_true",
                   help="reset (RST) a faulted connection before relaying any byte to the client")
    p.add_argument("--delete-500", action="store_true",
                   help="answer every DELETE with 500 (not relayed), then close that connection")
    p.add_argument("--delay-ms", type=int, metavar="D", default=0,
                   help="delay the first server->client byte of a faulted connection by D ms")
    p.add_argument("--once", action="store_true",
                   help="fault only the first matching connection (so a retry or resume succeeds)")
    p.add_argument("--match-substring", metavar="S",
                   help="fault only connections whose client->server bytes contain S "
                        "(bytes are counted from the request that contains S)")
    return p.parse_args(argv)


class Faults:
    """What to do to faulted connections, and whether --once has been used up."""

    def __init__(self, args):
        self.args = args
        self.used = False
        self.needle = args.match_substring.encode() if args.match_substring else None

    def claim(self):
        """A connection asks to be faulted: yes unless --once was already spent."""
        if self.args.once and self.used:
            return False
        self.used = True
        return True

    def any(self):
        a = self.args
        return (a.cut_after is not None or a.stall_after is not None or a.drip_after is not None
                or a.reset_at_start or a.delay_ms > 0)


class Connection:
    def __init__(self, faults, number):
        self.faults = faults
        self.number = number
        self.faulted = False
        self.sent = 0  # server->client bytes since the connection was faulted
        self.seen = b""  # tail of client->server bytes, to find the substring across reads
        self.client_closed = asyncio.Event()
        self.dripping = False

    def log(self, text):
        print(f"fault_proxy: connection {self.number}: {text}", file=sys.stderr, flush=True)

    def consider(self, data):
        if self.faulted or not self.faults.any():
            return
        needle = self.faults.needle
        if needle is not None:
            self.seen = (self.seen + data)[-(len(needle) + CHUNK):]
            if needle not in self.seen:
                return
        if self.faults.claim():
            self.faulted = True
            self.sent = 0
            self.log("faulted")


DELETE_500_BODY = b'{"code":"internal","message":"injected DELETE 500"}'
DELETE_500 = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(DELETE_500_BODY)) + DELETE_500_BODY


async def pump_client_to_server(conn, reader, writer, client_writer, args):
    try:
        while data := await reader.read(CHUNK):
            if args.delete_500 and data.startswith(b"DELETE "):
                # A request starts each chunk curl sends; the DELETE never reaches the server.
                conn.log("DELETE answered with 500")
                client_writer.write(DELETE_500)
                await client_writer.drain()
                client_writer.close()
                return
            conn.consider(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        conn.client_closed.set()
        writer.close()


async def pump_server_to_client(conn, reader, writer, args):
    delayed = False
    try:
        while data := await reader.read(CHUNK):
            if conn.faulted:
                if args.reset_at_start:
                    conn.log("reset at byte 0")
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    return
                if args.drip_after is not None and conn.sent + len(data) > args.drip_after:
                    head = max(0, args.drip_after - conn.sent)
                    writer.write(data[:head])
                    await writer.drain()
                    if not conn.dripping:
                        conn.dripping = True
                        conn.log(f"dripping {args.drip_rate} bytes/s after {args.drip_after} bytes")
                    rest = data[head:]
                    step = max(1, args.drip_rate)
                    for i in range(0, len(rest), step):
                        if conn.client_closed.is_set():
                            return
                        await asyncio.sleep(1)
                        writer.write(rest[i:i + step])
                        await writer.drain()
                    conn.sent += len(data)
                    continue
                if args.delay_ms and not delayed:
                    delayed = True
                    await asyncio.sleep(args.delay_ms / 1000)
                if args.cut_after is not None and conn.sent + len(data) >= args.cut_after:
                    writer.write(data[: args.cut_after - conn.sent])
                    await writer.drain()
                    conn.log(f"cut after {args.cut_after} bytes")
                    return
                if args.stall_after is not None and conn.sent + len(data) >= args.stall_after:
                    writer.write(data[: args.stall_after - conn.sent])
                    await writer.drain()
                    conn.log(f"stalled after {args.stall_after} bytes")
                    await conn.client_closed.wait()
                    return
                conn.sent += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(args):
    faults = Faults(args)
    counter = 0

    async def handle(client_reader, client_writer):
        nonlocal counter
        counter += 1
        conn = Connection(faults, counter)
        try:
            up_reader, up_writer = await asyncio.open_connection(*args.target)
        except OSError as e:
            conn.log(f"cannot reach target: {e}")
            client_writer.close()
            return
        up = asyncio.create_task(pump_client_to_server(conn, client_reader, up_writer, client_writer, args))
        down = asyncio.create_task(pump_server_to_client(conn, up_reader, client_writer, args))
        try:
            await down
        except asyncio.CancelledError:
            # Shutting down: asyncio.run cancels open connections. Ending quietly here keeps
            # the streams machinery from logging a traceback for every one of them.
            down.cancel()
        finally:
            up.cancel()
            up_writer.close()
            client_writer.close()

    server = await asyncio.start_server(handle, *args.listen)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"fault_proxy listening on {host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
