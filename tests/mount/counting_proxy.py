"""A reverse proxy in front of atd that records every request, so a test can count what atfs
asked atd for (that walking the mount creates no session, say)."""

import http.client
import http.server
import threading

from exit_cleanup import register


class CountingProxy:
    """Forwards HTTP to atd and records every (method, path), to prove what atfs asked."""

    HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}

    def __init__(self, upstream_port):
        self.requests = []
        self.tokens = set()  # every X-Auth-Token value seen: the credentials in flight
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                proxy.record(self.command, self.path, self.headers.get("X-Auth-Token"))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in proxy.HOP}
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
                try:
                    conn.request(self.command, self.path, body, headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in proxy.HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        register(self)

    def record(self, method, path, token=None):
        with self.lock:
            self.requests.append((method, path))
            if token:
                self.tokens.add(token)

    def count(self, method, prefix):
        with self.lock:
            return sum(1 for m, p in self.requests if m == method and p.startswith(prefix))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
