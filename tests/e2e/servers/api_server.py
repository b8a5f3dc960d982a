"""A small HTTP/1.1 API server for the e2e tests, on Python's http.server.

Usage: api_server.py HOST [--tls CERT KEY]
  (prints the chosen port on stdout, then serves until killed; with --tls, HTTPS through
  Python's ssl module, i.e. OpenSSL's libssl)

Routes (any method):
  /users/<id>          200, a JSON object
  /items               POST 201, PUT 200, DELETE 204 (no body)
  /status/<code>       that status, a short JSON body
  /chunked             200, body sent with Transfer-Encoding: chunked (3 chunks)
  /bytes/<n>           200, n bytes with Content-Length
  /close/<n>           200, n bytes, no length: the body ends when the connection closes
"""
import http.server
import json
import socket
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output clean
        pass

    def _drain_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _send(self, status, body=b"", content_type="application/json", length=True):
        self.send_response(status)
        if body or status not in (204, 304):
            self.send_header("Content-Type", content_type)
        if length and status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _route(self):
        self._drain_body()
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[0] == "users" and len(parts) == 2:
            body = json.dumps({"id": parts[1], "name": "ada"}).encode()
            return self._send(200, body)
        if parts[0] == "items":
            if self.command == "POST":
                return self._send(201, b'{"created":true}')
            if self.command == "DELETE":
                return self._send(204)
            return self._send(200, b'{"updated":true}')
        if parts[0] == "status" and len(parts) == 2:
            return self._send(int(parts[1]), b'{"status":"as requested"}')
        if parts[0] == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in (b"first,", b"second,", b"third"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return None
        if parts[0] == "bytes" and len(parts) == 2:
            return self._send(200, b"x" * int(parts[1]), "application/octet-stream")
        if parts[0] == "close" and len(parts) == 2:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"y" * int(parts[1]))
            return None
        return self._send(404, b'{"error":"not found"}')

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _route


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    host = sys.argv[1]
    Server.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = Server((host, 0), Handler)
    if sys.argv[2:3] == ["--tls"]:
        import ssl  # only now: a test checks that a libssl loaded after the agent started is seen
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
