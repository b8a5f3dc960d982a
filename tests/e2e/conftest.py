"""Fixtures that run the real agent and real servers.

The agent is started per test, filtered to the test server's port, so each test sees exactly
the exchanges it caused. Tests need root (BPF): outside CI they are skipped when not root, but
with CI=true they fail instead, so CI can never pass without having run them.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.environ.get("APISENSOR_BIN", os.path.join(HERE, "..", "..", "build", "bin", "apisensor"))
PYTHON = "/usr/bin/python3"  # Debian's interpreter (python3-requests lives there)


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    if os.environ.get("CI") == "true":
        pytest.exit("e2e tests load BPF programs and must run as root; CI=true forbids skipping", 1)
    skip = pytest.mark.skip(reason="needs root to load BPF programs")
    for item in items:
        item.add_marker(skip)


class Agent:
    """`apisensor trace` running in the background; stop() returns what it reported."""

    def __init__(self, *args):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.stdout = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([AGENT, "trace", "--ephemeral-key", *args],
                                     stdout=self.stdout, stderr=self.stderr)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.stderr.seek(0)
            if "apisensor: ready" in self.stderr.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stderr.seek(0)
        raise RuntimeError("agent did not start: " + self.stderr.read())

    def wait_for_log(self, text, timeout=10):
        """The first line of the agent's log that contains `text`, waiting for it to appear."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.stderr.seek(0)
            for line in self.stderr:
                if text in line:
                    return line
            time.sleep(0.05)
        self.stderr.seek(0)
        raise AssertionError(f"agent never logged {text!r}; its log:\n{self.stderr.read()}")

    def stop(self, settle=0.5):
        """Waits for in-flight events, interrupts the agent and returns (exchanges, counters)."""
        time.sleep(settle)
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(timeout=30) == 0
        self.stdout.seek(0)
        exchanges = [json.loads(line) for line in self.stdout if line.strip()]
        self.stderr.seek(0)
        counters = {}
        for line in self.stderr:
            if line.startswith("apisensor: counters "):
                counters = json.loads(line[len("apisensor: counters "):])
        return exchanges, counters

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def start_agent():
    agents = []

    def start(*args):
        agent = Agent(*args)
        agents.append(agent)
        return agent

    yield start
    for agent in agents:
        agent.kill()


class Server:
    def __init__(self, argv, port, host, scheme="http"):
        self.argv = argv
        self.port = port
        self.host = host
        self.scheme = scheme

    def url(self, path):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"


def _serve_api(host, *extra, env=None):
    proc = subprocess.Popen([PYTHON, os.path.join(HERE, "servers", "api_server.py"), host, *extra],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        server = Server(proc.args, int(proc.stdout.readline()), host)
        server.pid = proc.pid
        if extra[:1] == ("--tls",):
            server.scheme = "https"
        yield server
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def api_server():
    yield from _serve_api("127.0.0.1")


@pytest.fixture
def api_server_v6():
    yield from _serve_api("::1")


@pytest.fixture(scope="session")
def tls_cert():
    """A self-signed certificate for localhost: (cert path, key path)."""
    root = tempfile.mkdtemp(prefix="apisensor-tls-")
    cert, key = os.path.join(root, "cert.pem"), os.path.join(root, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    yield cert, key
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def tls_api_server(tls_cert):
    """The API server behind HTTPS (Python's ssl module, so OpenSSL)."""
    yield from _serve_api("127.0.0.1", "--tls", *tls_cert)


def free_port():
    """A free port below the kernel's ephemeral range, so that no client connection can take it
    as its source port while its server is restarting."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    for _ in range(1000):
        port = random.randrange(10000, max(10001, ephemeral_low))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_for_port(port, who, timeout=10):
    """Returns once something accepts on 127.0.0.1:port; fails the test after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{who} did not listen on 127.0.0.1:{port} within {timeout} s")


class Nginx:
    """A real nginx in a temporary root, with one `server` block; stop() removes it all."""

    def __init__(self, server_block, files=None):
        if not os.path.exists("/usr/sbin/nginx"):
            pytest.fail("nginx is not installed: run scripts/setup.sh --with-test-deps")
        self.root = tempfile.mkdtemp(prefix="apisensor-nginx-")
        os.chmod(self.root, 0o755)  # nginx's workers run as another user
        for name, data in (files or {}).items():
            with open(os.path.join(self.root, name), "wb") as f:
                f.write(data)
        conf = os.path.join(self.root, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes 1;
daemon off;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {self.root};
  server {{
{server_block.replace("{root}", self.root)}
  }}
}}
""")
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", self.root])
        self.pid = self.proc.pid

    def wait_for_port(self, port):
        wait_for_port(port, f"nginx (see {self.root}/error.log)")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def nginx(tls_cert):
    """nginx serving a small JSON body from memory and a file (sent with sendfile), over HTTP on
    `port` and HTTPS on `tls_port`."""
    port, tls_port = free_port(), free_port()
    data = ('{"items":[' + ",".join(str(i) for i in range(2000)) + "]}").encode()
    server = Nginx(f"""
    listen 127.0.0.1:{port};
    listen 127.0.0.1:{tls_port} ssl;
    ssl_certificate {tls_cert[0]};
    ssl_certificate_key {tls_cert[1]};
    sendfile on;
    location = /api/ping {{ default_type application/json; return 200 '{{"pong":true}}'; }}
    location = /api/missing {{ return 404; }}
    location = /api/echo {{ default_type application/json; return 201 '{{"stored":true}}'; }}
    location /static/ {{ alias {{root}}/; default_type application/json; }}
""", {"data.json": data})
    server.wait_for_port(port)
    handle = Server(server.proc.args, port, "127.0.0.1")
    handle.root = server.root
    handle.tls_port = tls_port
    yield handle
    server.stop()


def curl(*args):
    return subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", *args],
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def shop():
    proc = subprocess.Popen([PYTHON, os.path.join(HERE, "servers", "shop_service.py"),
                             "127.0.0.1"], stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    wait_for_port(port, "shop service")
    yield port
    proc.kill()
    proc.wait()


@pytest.fixture
def specs_dir(shop, tmp_path):
    d = tmp_path / "specs"
    d.mkdir()
    for name in ("shop-v1.yaml", "shop-v2.yaml"):
        text = open(os.path.join(HERE, "specs", name)).read().replace("@PORT@", str(shop))
        (d / name).write_text(text)
    return str(d)
