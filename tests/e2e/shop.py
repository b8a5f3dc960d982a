"""Client side of the inventory and detection e2e tests: the agent under test (`apisensor run`
with its query API), and callers of the shop service (servers/shop_service.py).

Callers can bind distinct loopback source addresses (127.0.0.0/8 all reaches the loopback
interface), so one test can play several clients that the sensor tells apart by address.
"""
import base64
import http.client
import json
import signal
import subprocess
import tempfile
import time
import urllib.request

from conftest import AGENT, free_port


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


JWT = b64url({"alg": "RS256", "typ": "JWT"}) + "." + \
    b64url({"iss": "https://idp.shop.test", "sub": "ada", "exp": 4102444800}) + ".c2lnbmF0dXJl"
BEARER = {"Authorization": "Bearer " + JWT}


class LoggedProcess:
    """A daemon started with its stderr in a temporary file, ready once `ready` appears there."""

    def __init__(self, argv, ready, what, timeout=30):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if ready in self.read_log():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"{what} did not start: " + self.read_log())

    def read_log(self):
        self.log.seek(0)
        return self.log.read()


class InventoryAgent(LoggedProcess):
    """`apisensor run` with its API on a free loopback port."""

    def __init__(self, db, spec, service_port, *extra):
        self.api_port = free_port()
        self.server = f"127.0.0.1:{self.api_port}"
        super().__init__([AGENT, "run", "--ephemeral-key", "--listen", self.server, "--db", db,
                          "--spec", spec, "--port", str(service_port), *extra],
                         "apisensor: ready", "agent")

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.server}{path}", timeout=5) as r:
            return json.loads(r.read())

    def cli(self, *args):
        result = subprocess.run([AGENT, *args, "--server", self.server], capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def requests_seen(self, service):
        endpoints = self.get(f"/v1/endpoints?service={service}&limit=1000")["endpoints"]
        return sum(e["requests"] for e in endpoints)

    def wait_for_requests(self, service, want, timeout=20):
        """Waits until the inventory has counted `want` requests of `service`; returns the count."""
        deadline = time.time() + timeout
        while True:
            seen = self.requests_seen(service)
            if seen >= want or time.time() > deadline:
                return seen
            time.sleep(0.2)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(timeout=30) == 0, self.read_log()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def call(port, method, path, headers=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=data,
                                 headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


class Caller:
    """One client of the shop on its own loopback source address and keep-alive connection."""

    def __init__(self, port, address, host="127.0.0.1"):
        self.address = address
        self.conn = http.client.HTTPConnection(host, port, timeout=10,
                                               source_address=(address, 0))

    def call(self, method, path, headers=None):
        """Sends one request and returns the response status."""
        self.conn.request(method, path, headers=dict(headers or {}))
        response = self.conn.getresponse()
        response.read()
        return response.status

    def close(self):
        self.conn.close()
