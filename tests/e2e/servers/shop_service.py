"""A small shop API for the inventory e2e tests, on Python's http.server.

Usage: shop_service.py HOST [PORT]   (prints its port on stdout, then serves until killed)

Under /api: the declared routes of specs/shop-v2.yaml (users, orders, health), a route only the
older specs/shop-v1.yaml declares (reports/legacy), and routes no spec declares (internal/debug,
items/<n>), so the sensor's declared/shadow/zombie/unused classes can be checked exactly; and
account, which answers 401 to callers without credentials.
"""
import http.server
import json
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, a keep-alive client's delayed
    # ACK holds the body back ~40 ms (Nagle), which would make every call that slow.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _send(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[0] != "api":
            return self._send(404, {"error": "not found"})
        parts = parts[1:]
        if parts == ["users"] and self.command == "GET":
            return self._send(200, [{"id": 1, "name": "ada"}, {"id": 2, "name": "alan"}])
        if parts == ["users"] and self.command == "POST":
            return self._send(201, {"id": 3, "created": True})
        if len(parts) == 2 and parts[0] == "users":
            return self._send(200, {"id": int(parts[1]), "name": "ada",
                                    "email": "ada.lovelace@example.com", "active": True})
        if len(parts) == 2 and parts[0] == "orders":
            return self._send(200, {"id": parts[1], "total": 12.5, "items": [{"sku": "A1"}]})
        if parts == ["reports", "legacy"]:
            return self._send(200, {"rows": []})
        if parts == ["internal", "debug"]:
            return self._send(200, {"threads": 4, "heap": 1024})
        if len(parts) == 2 and parts[0] == "items":
            return self._send(200, {"id": parts[1], "stock": 3})
        if parts == ["account"]:  # refuses callers without credentials
            if not self.headers.get("Authorization"):
                return self._send(401, {"error": "login required"})
            return self._send(200, {"plan": "pro"})
        if parts == ["health"]:
            return self._send(200, {"ok": True})
        return self._send(404, {"error": "not found"})

    do_GET = do_POST = do_DELETE = _route


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = Server((sys.argv[1], port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
