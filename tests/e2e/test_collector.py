"""Agents → collector end to end: two real agents (`apisensor run`), each tracing its own shop
service process, stream over gRPC with TLS and a bearer token to a real `apisensor-collector`.

The two shops listen on the same port on two loopback addresses, as one service's pods would on
two nodes, so the collector must show one service and one endpoint per route with the sum of both
nodes' figures, and each finding once. The collector is then killed mid-stream and restarted on
the same store: every exchange each agent saw arrives exactly once, nothing acknowledged is lost
or counted twice.
"""
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import AGENT, HERE, PYTHON, free_port
from shop import BEARER, Caller, LoggedProcess

COLLECTOR = os.environ.get("APISENSOR_COLLECTOR_BIN",
                           os.path.join(os.path.dirname(AGENT), "apisensor-collector"))
TOKEN = "collector-token-for-e2e"


class Collector(LoggedProcess):
    def __init__(self, tmp, grpc_port, api_port, cert, key):
        self.api = f"127.0.0.1:{api_port}"
        self.grpc = f"127.0.0.1:{grpc_port}"
        token_file = tmp / "collector.token"
        token_file.write_text(TOKEN + "\n")
        super().__init__(
            [COLLECTOR, "--grpc-listen", self.grpc, "--listen", self.api,
             "--db", str(tmp / "collector.db"), "--tls-cert", cert, "--tls-key", key,
             "--token-file", str(token_file)],
            "ready", "collector")

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.api}{path}", timeout=5) as r:
            return json.loads(r.read())

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=30) == 0, self.read_log()


class NodeAgent(LoggedProcess):
    """`apisensor run` tracing one process, streaming to the collector as node `agent_id`."""

    def __init__(self, agent_id, pid, collector, ca, tmp):
        self.api = f"127.0.0.1:{free_port()}"
        token_file = tmp / f"{agent_id}.token"
        token_file.write_text(TOKEN + "\n")
        super().__init__(
            [AGENT, "run", "--ephemeral-key", "--listen", self.api, "--db", "",
             "--pid", str(pid), "--agent-id", agent_id, "--collector", collector.grpc,
             "--collector-ca", ca, "--collector-token-file", str(token_file),
             "--collector-exchanges"],
            "apisensor: ready", "agent")

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.api}{path}", timeout=5) as r:
            return json.loads(r.read())

    def counter(self, name):
        with urllib.request.urlopen(f"http://{self.api}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(f"apisensor_{name} ") or line.startswith(f"apisensor_{name}_total "):
                    return int(float(line.split()[-1]))
        return None

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(timeout=30) == 0, self.read_log()


@pytest.fixture
def two_shops():
    """Two shop processes on the same port, on 127.0.0.2 and 127.0.0.3."""
    port = free_port()
    procs = []
    for host in ("127.0.0.2", "127.0.0.3"):
        procs.append(subprocess.Popen(
            [PYTHON, os.path.join(HERE, "servers", "shop_service.py"), host, str(port)],
            stdout=subprocess.PIPE, text=True))
    for proc in procs:
        assert int(proc.stdout.readline()) == port
    yield port, procs
    for proc in procs:
        proc.kill()
        proc.wait()


def wait_until(what, predicate, timeout=30):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            assert value, f"timed out waiting for {what}"
            return value
        time.sleep(0.25)


def call_shop(host, port, address, calls, path="/api/users/{}", headers=BEARER):
    caller = Caller(port, address, host)
    try:
        for i in range(calls):
            assert caller.call("GET", path.format(i % 20 + 1), headers) == 200
    finally:
        caller.close()


def test_two_agents_one_cluster_view_and_a_collector_restart(two_shops, tls_cert, tmp_path):
    port, (shop_a, shop_b) = two_shops
    cert, key = tls_cert
    collector = Collector(tmp_path, free_port(), free_port(), cert, key)
    agents = []
    try:
        agents = [NodeAgent("node-a", shop_a.pid, collector, cert, tmp_path),
                  NodeAgent("node-b", shop_b.pid, collector, cert, tmp_path)]
        service = f"python3:{port}"

        call_shop("127.0.0.2", port, "127.0.0.50", 30)
        call_shop("127.0.0.3", port, "127.0.0.50", 20)
        # The same unauthenticated caller on both nodes: one finding, counted on both.
        call_shop("127.0.0.2", port, "127.0.0.51", 1, "/api/internal/debug", {})
        call_shop("127.0.0.3", port, "127.0.0.51", 1, "/api/internal/debug", {})

        def merged():
            got = collector.get(f"/v1/endpoints?service={service}")["endpoints"]
            by_route = {(e["method"], e["path"]): e["requests"] for e in got}
            return by_route if by_route.get(("GET", "/api/users/{id}")) == 50 else None
        by_route = wait_until("the merged inventory", merged)
        assert by_route == {("GET", "/api/users/{id}"): 50, ("GET", "/api/internal/debug"): 2}
        assert [s["name"] for s in collector.get("/v1/services")["services"]] == [service]

        agents_view = wait_until("both agents", lambda: (
            lambda a: a if len(a) == 2 else None)(collector.get("/v1/agents")["agents"]))
        assert sorted(a["agent_id"] for a in agents_view) == ["node-a", "node-b"]

        # The agent's own CLI reads the collector's API.
        listing = subprocess.run([AGENT, "endpoints", "--server", collector.api, "--json"],
                                 capture_output=True, text=True, timeout=30)
        assert listing.returncode == 0, listing.stderr
        assert len(json.loads(listing.stdout)) == 2

        # Kill the collector mid-stream; traffic goes on; restart it on the same store.
        stop = threading.Event()
        rounds = []

        def traffic():
            while not stop.is_set():
                call_shop("127.0.0.2" if len(rounds) % 2 == 0 else "127.0.0.3", port,
                          "127.0.0.52", 5)
                rounds.append(5)
                time.sleep(0.05)
        worker = threading.Thread(target=traffic)
        worker.start()
        time.sleep(1.5)
        collector.kill()
        time.sleep(2)
        collector = Collector(tmp_path, int(collector.grpc.split(":")[1]),
                              int(collector.api.split(":")[1]), cert, key)
        time.sleep(1.5)
        stop.set()
        worker.join()
        calls = 52 + sum(rounds)

        # Every exchange each agent saw reaches the collector exactly once.
        def settled():
            seen = {a: agent.counter("inventory_exchanges_observed")
                    for a, agent in zip(("node-a", "node-b"), agents)}
            got = {a["agent_id"]: a["exchanges_received"]
                   for a in collector.get("/v1/agents")["agents"]}
            return (seen, got) if sum(seen.values()) == calls and seen == got else None
        wait_until(f"exactly-once delivery of {calls} exchanges", settled, timeout=60)

        def requests():
            endpoints = collector.get(f"/v1/endpoints?service={service}")["endpoints"]
            return sum(e["requests"] for e in endpoints)
        wait_until("the merged request counts", lambda: requests() == calls)
        time.sleep(2)  # a later batch must not count anything twice
        assert requests() == calls
        findings = collector.get("/v1/findings")["findings"]
        unauth = [f for f in findings if f["type"] == "unauthenticated_access"]
        assert [(f["endpoint"], f["caller"], f["count"]) for f in unauth] == \
            [("GET /api/internal/debug", "127.0.0.51", 2)]
        for agent in agents:
            assert agent.counter("collector_batches_dropped") == 0
            assert agent.counter("collector_reconnects") >= 1  # it did lose the collector
            assert agent.counter("collector_connected") == 1
    finally:
        for agent in agents:
            agent.stop()
        collector.stop()
