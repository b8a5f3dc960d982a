"""The endpoint inventory end to end: a real HTTP service with declared specs, real clients,
the real agent (`apisensor run`), and its query API and CLI.

The shop service (servers/shop_service.py) serves declared, deprecated, removed and undeclared
routes; specs/shop-v2.yaml (current, OpenAPI 3.0) and specs/shop-v1.yaml (older, Swagger 2.0)
bind to it by their servers URL. The agent must report exactly the expected endpoints and
classes, keep them across a restart, and write a valid OpenAPI 3.1 document of what it saw.
"""
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import AGENT, free_port, wait_for_port
import openapi31_rules
from shop import JWT, InventoryAgent, call


def exercise(port):
    bearer = {"Authorization": "Bearer " + JWT}
    for _ in range(3):
        call(port, "GET", "/api/users?page=1", bearer)
    call(port, "POST", "/api/users", bearer, {"name": "grace", "email": "grace@example.com"})
    for user in (1, 2, 3):
        call(port, "GET", f"/api/users/{user}", bearer)
    call(port, "GET", "/api/orders/A-17", bearer)
    call(port, "GET", "/api/reports/legacy", bearer)
    call(port, "GET", "/api/internal/debug")
    for item in (101, 202):
        call(port, "GET", f"/api/items/{item}", {"X-API-Key": "k-12345"})
    call(port, "GET", "/api/health")


EXPECTED = {
    ("GET", "/api/users"): ("declared", 3),
    ("POST", "/api/users"): ("declared", 1),
    ("GET", "/api/users/{userId}"): ("declared", 3),
    ("DELETE", "/api/users/{userId}"): ("unused", 0),
    ("GET", "/api/orders/{orderId}"): ("zombie", 1),
    ("GET", "/api/reports/legacy"): ("zombie", 1),
    ("GET", "/api/internal/debug"): ("shadow", 1),
    ("GET", "/api/items/{id}"): ("shadow", 2),
    ("GET", "/api/account"): ("unused", 0),
    ("GET", "/api/health"): ("declared", 1),
}


def endpoints_of(agent, service, want=None, timeout=10):
    """The service's endpoints once the agent has published `want` requests (or the timeout)."""
    deadline = time.time() + timeout
    while True:
        got = agent.get(f"/v1/endpoints?service={service}&limit=1000")["endpoints"]
        total = sum(e["requests"] for e in got)
        if want is None or total >= want or time.time() > deadline:
            return {(e["method"], e["path"]): e for e in got}
        time.sleep(0.2)


def test_inventory_classes_api_cli_openapi_and_restart(shop, specs_dir, tmp_path):
    db = str(tmp_path / "inventory.db")
    service = f"python3:{shop}"
    agent = InventoryAgent(db, specs_dir, shop)
    try:
        exercise(shop)
        want = sum(n for _, n in EXPECTED.values())
        endpoints = endpoints_of(agent, service, want)
        got = {k: (e["state"], e["requests"]) for k, e in endpoints.items()}
        assert got == EXPECTED, agent.read_log()

        users = endpoints[("GET", "/api/users/{userId}")]
        assert users["status_codes"] == {"200": 3}
        assert users["auth_schemes"] == {"jwt": 3}
        assert users["unauthenticated_share"] == 0
        assert "email" in users["sensitive"]
        assert users["declared"]["operation_id"] == "getUser"
        assert users["latency_ms"]["p50"] > 0
        listing = endpoints[("GET", "/api/users")]
        assert listing["query_params"] == ["page"]
        debug = endpoints[("GET", "/api/internal/debug")]
        assert debug["unauthenticated_share"] == 1
        assert debug["auth_schemes"] == {"none": 1}
        items = endpoints[("GET", "/api/items/{id}")]
        assert items["auth_schemes"] == {"api_key_header": 2}
        assert items["auth_carriers"] == ["header:x-api-key"]
        assert endpoints[("GET", "/api/orders/{orderId}")]["declared"]["deprecated"] is True
        assert endpoints[("GET", "/api/reports/legacy")]["declared"]["removed"] is True
        # Credentials never reach the API, in any form but their kind.
        assert "k-12345" not in json.dumps(list(endpoints.values()))
        assert JWT.split(".")[1] not in json.dumps(list(endpoints.values()))

        detail = agent.get(f"/v1/endpoints/{users['id']}")
        schema = detail["response"]["schema"]
        assert schema["type"] == "object"
        assert set(schema["properties"]) == {"id", "name", "email", "active"}
        assert schema["properties"]["id"]["type"] == "integer"
        create = endpoints[("POST", "/api/users")]
        assert agent.get(f"/v1/endpoints/{create['id']}")["request"]["schema"]["properties"][
            "email"]["type"] == "string"

        # Filters.
        shadow = agent.get(f"/v1/endpoints?service={service}&state=shadow")
        assert {e["path"] for e in shadow["endpoints"]} == {"/api/internal/debug",
                                                            "/api/items/{id}"}
        unauth = agent.get(f"/v1/endpoints?service={service}&auth=none")["endpoints"]
        assert {e["path"] for e in unauth} == {"/api/internal/debug", "/api/health"}
        emails = agent.get(f"/v1/endpoints?service={service}&sensitive=email")["endpoints"]
        assert {(e["method"], e["path"]) for e in emails} == {("GET", "/api/users/{userId}"),
                                                              ("POST", "/api/users")}
        page = agent.get(f"/v1/endpoints?service={service}&limit=2&offset=2")
        assert len(page["endpoints"]) == 2 and page["total"] == len(EXPECTED)
        with pytest.raises(urllib.error.HTTPError) as bad:
            agent.get("/v1/endpoints?state=haunted")
        assert bad.value.code == 400

        services = {s["name"]: s for s in agent.get("/v1/services")["services"]}
        assert services[service]["process"] == "python3"
        assert services[service]["port"] == shop
        assert len(services[service]["specs"]) == 2

        findings = agent.get("/v1/findings")["findings"]
        got_findings = {(f["type"], f["endpoint"]) for f in findings if f["service"] == service}
        assert got_findings == {
            ("shadow_endpoint", "GET /api/internal/debug"),
            ("shadow_endpoint", "GET /api/items/{id}"),
            ("zombie_endpoint", "GET /api/orders/{orderId}"),
            ("zombie_endpoint", "GET /api/reports/legacy"),
            # No credential, answered 200, on a privileged path.
            ("unauthenticated_access", "GET /api/internal/debug"),
        }
        owasp = {f["type"]: f["owasp"] for f in findings}
        assert owasp == {"shadow_endpoint": "API9:2023", "zombie_endpoint": "API9:2023",
                         "unauthenticated_access": "API2:2023"}
        unauth = next(f for f in findings if f["type"] == "unauthenticated_access")
        assert unauth["evidence"]["reason"] == "privileged_path"
        assert unauth["caller"] == "127.0.0.1"

        # The CLI: a table by default, the API's objects with --json.
        table = agent.cli("endpoints", "--shadow", "--service", service)
        lines = table.strip().splitlines()
        assert lines[0].split()[:4] == ["SERVICE", "METHOD", "PATH", "STATE"]
        assert sorted(line.split()[2] for line in lines[1:]) == ["/api/internal/debug",
                                                                 "/api/items/{id}"]
        as_json = json.loads(agent.cli("endpoints", "--service", service, "--json"))
        assert {(e["method"], e["path"]) for e in as_json} == set(EXPECTED)

        # The observed OpenAPI document.
        out = tmp_path / "observed.json"
        agent.cli("openapi", "--service", service, "-o", str(out))
        doc = json.loads(out.read_text())
        assert openapi31_rules.violations(doc) == []
        assert set(doc["paths"]) == {"/api/users", "/api/users/{userId}", "/api/orders/{orderId}",
                                     "/api/reports/legacy", "/api/internal/debug",
                                     "/api/items/{id}", "/api/health"}
        get_user = doc["paths"]["/api/users/{userId}"]["get"]
        assert get_user["security"] == [{"jwtBearer": []}]
        assert doc["components"]["securitySchemes"]["jwtBearer"] == {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        assert get_user["responses"]["200"]["content"]["application/json"]["schema"][
            "properties"]["email"]["type"] == "string"
        assert "delete" not in doc["paths"]["/api/users/{userId}"]  # unused: not observed
        assert doc["paths"]["/api/orders/{orderId}"]["get"]["deprecated"] is True

        # Declaring the debug route in the current spec makes it declared within seconds.
        v2 = os.path.join(specs_dir, "shop-v2.yaml")
        text = open(v2).read().replace("  /health:", "  /internal/debug:\n    get:\n"
                                       "      operationId: debug\n      responses:\n"
                                       "        \"200\": {description: internals}\n  /health:")
        with open(v2, "w") as f:
            f.write(text)
        deadline = time.time() + 10
        while endpoints_of(agent, service)[("GET", "/api/internal/debug")]["state"] != "declared":
            assert time.time() < deadline, "spec change not picked up: " + agent.read_log()
            time.sleep(0.3)
        with open(v2, "w") as f:  # back as it was, for the restart below
            f.write(text.replace("  /internal/debug:\n    get:\n      operationId: debug\n"
                                 "      responses:\n        \"200\": {description: internals}\n",
                                 ""))
        deadline = time.time() + 10
        while endpoints_of(agent, service)[("GET", "/api/internal/debug")]["state"] != "shadow":
            assert time.time() < deadline, "spec change not picked up: " + agent.read_log()
            time.sleep(0.3)
    finally:
        agent.stop()

    # The inventory survives a restart: the same figures, before any new traffic.
    agent = InventoryAgent(db, specs_dir, shop)
    try:
        assert "restored" in agent.read_log()
        restored = endpoints_of(agent, service)
        assert {k: (e["state"], e["requests"]) for k, e in restored.items()} == EXPECTED
        assert restored[("GET", "/api/users/{userId}")]["auth_schemes"] == {"jwt": 3}
        assert len(agent.get("/v1/findings")["findings"]) == 5
        call(shop, "GET", "/api/users/9", {"Authorization": "Bearer " + JWT})
        after = endpoints_of(agent, service, want=sum(n for _, n in EXPECTED.values()) + 1)
        assert after[("GET", "/api/users/{userId}")]["requests"] == 4
    finally:
        agent.stop()


def test_a_mapping_names_the_service(shop, specs_dir, tmp_path):
    """`--spec shop=FILE`: the process listening on the spec's server port is service "shop"."""
    agent = InventoryAgent("", "shop=" + os.path.join(specs_dir, "shop-v2.yaml"), shop)
    try:
        call(shop, "GET", "/api/users/5", {"Authorization": "Bearer " + JWT})
        endpoints = endpoints_of(agent, "shop", want=1)
        assert endpoints[("GET", "/api/users/{userId}")]["state"] == "declared"
        assert endpoints[("GET", "/api/users/{userId}")]["requests"] == 1
        assert endpoints[("DELETE", "/api/users/{userId}")]["state"] == "unused"
        assert [s["name"] for s in agent.get("/v1/services")["services"]] == ["shop"]
        assert "bound to service shop" in agent.read_log()
    finally:
        agent.stop()


def test_refused_credentials_burst_is_one_finding(shop, specs_dir, tmp_path):
    """25 refused calls from one client within seconds: one auth_failure_burst finding, reported
    every 10 failures as --detector-config says."""
    config = tmp_path / "detectors.yaml"
    config.write_text("auth_failure_burst: {failures: 10, window_s: 60}\n")
    agent = InventoryAgent("", specs_dir, shop, "--detector-config", str(config))
    try:
        for _ in range(25):
            with pytest.raises(urllib.error.HTTPError) as refused:
                call(shop, "GET", "/api/account")
            assert refused.value.code == 401
        deadline = time.time() + 10
        while True:
            bursts = [f for f in agent.get("/v1/findings?type=auth_failure_burst")["findings"]]
            if bursts or time.time() > deadline:
                break
            time.sleep(0.2)
        assert len(bursts) == 1, agent.read_log()
        assert bursts[0]["service"] == f"python3:{shop}"
        assert bursts[0]["caller"] == "127.0.0.1"
        assert bursts[0]["owasp"] == "API2:2023"
        deadline = time.time() + 5
        while bursts[0]["count"] < 2 and time.time() < deadline:
            time.sleep(0.2)
            bursts = agent.get("/v1/findings?type=auth_failure_burst")["findings"]
        assert bursts[0]["count"] == 2  # at 10 and 20 failures
        assert bursts[0]["evidence"]["failures_in_window"] == "20"
    finally:
        agent.stop()


def test_bad_detector_config_is_one_sentence(tmp_path):
    config = tmp_path / "detectors.yaml"
    config.write_text("rate_anomaly: {zz: 3}\n")
    result = subprocess.run([AGENT, "run", "--ephemeral-key", "--db", "", "--detector-config",
                             str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "rate_anomaly.zz is not a setting" in result.stderr


def test_api_demands_a_token_off_loopback(tmp_path):
    result = subprocess.run([AGENT, "run", "--ephemeral-key", "--listen", "0.0.0.0:1",
                             "--db", str(tmp_path / "x.db"), "--port", "1"],
                            capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items()
                                 if k != "APISENSOR_API_TOKEN"})
    assert result.returncode != 0
    assert "token" in result.stderr and "--api-token-file" in result.stderr


def test_cli_says_what_to_do_when_no_agent_runs():
    port = free_port()
    result = subprocess.run([AGENT, "endpoints", "--server", f"127.0.0.1:{port}"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "no agent answered" in result.stderr and "apisensor run" in result.stderr


def test_token_guards_everything_but_healthz(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token\n")
    server = f"127.0.0.1:{free_port()}"
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([AGENT, "run", "--ephemeral-key", "--listen", server, "--db", "",
                             "--api-token-file", str(token_file), "--port", "1"],
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_for_port(int(server.split(":")[1]), "agent API", timeout=30)
        with urllib.request.urlopen(f"http://{server}/healthz", timeout=5) as r:
            assert r.status == 200
        for path in ("/v1/endpoints", "/metrics", "/status"):
            with pytest.raises(urllib.error.HTTPError) as denied:
                urllib.request.urlopen(f"http://{server}{path}", timeout=5)
            assert denied.value.code == 401
        wrong = urllib.request.Request(f"http://{server}/v1/endpoints",
                                       headers={"Authorization": "Bearer s3cret-tokeX"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(wrong, timeout=5)
        right = urllib.request.Request(f"http://{server}/v1/endpoints",
                                       headers={"Authorization": "Bearer s3cret-token"})
        with urllib.request.urlopen(right, timeout=5) as r:
            assert json.loads(r.read())["endpoints"] == []
        denied_cli = subprocess.run([AGENT, "endpoints", "--server", server], capture_output=True,
                                    text=True, timeout=30)
        assert denied_cli.returncode == 1 and "requires a token" in denied_cli.stderr
        for command in (["endpoints"], ["status"], ["findings"]):
            ok = subprocess.run([AGENT, *command, "--server", server, "--api-token-file",
                                 str(token_file)], capture_output=True, text=True, timeout=30)
            assert ok.returncode == 0, ok.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
