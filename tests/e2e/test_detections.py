"""Detections end to end: the real agent (`apisensor run`) watching the shop service, first under
several thousand calls of normal traffic that must raise no finding, then under a scripted set of
attacks that must raise exactly the expected findings, no more.

Each actor is its own loopback source address, so the sensor tells callers apart as it would
tell hosts apart. Only the rate detector's bucket is shortened (3 s buckets, 4 of warm-up) so a
baseline forms within the test; every other threshold is the documented default.
"""
import json
import os
import threading
import time

from shop import BEARER, Caller, InventoryAgent, b64url

NORMAL_CALLERS = [f"127.0.0.{n}" for n in range(10, 20)]
CALLS_PER_NORMAL_CALLER = 300
NORMAL_RATE = 25.0  # calls per second per caller: each endpoint stays well under min_calls
STEADY = "127.0.0.44"  # calls /api/health steadily, then spikes
UNAUTHENTICATED = "127.0.0.99"
GUESSER = "127.0.0.22"
ENUMERATOR = "127.0.0.33"
LEAKER = "127.0.0.55"
FORGER = "127.0.0.77"

QUERY_SECRET = "s3cr3t-query-key-4711"
ALG_NONE_JWT = b64url({"alg": "none", "typ": "JWT"}) + "." + \
    b64url({"sub": "mallory", "exp": 4102444800}) + "."

DETECTOR_CONFIG = "rate_anomaly: {bucket_s: 3, warmup_buckets: 4}\n"


def paced(period, count, step):
    """Calls step(k) for k in range(count), one every `period` seconds on a fixed schedule."""
    start = time.monotonic()
    for k in range(count):
        delay = start + k * period - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        step(k)


def normal_user(port, index, address, errors):
    """An ordinary client: lists and reads users, creates one now and then, checks its account
    (a few times without its token, answered 401) and the health endpoint."""
    caller = Caller(port, address)

    def step(k):
        kind = k % 6
        expected = 200
        if kind == 0:
            status = caller.call("GET", f"/api/users?page={k % 5}", BEARER)
        elif kind in (1, 2):
            status = caller.call("GET", f"/api/users/{(k * 7 + index) % 20 + 1}", BEARER)
        elif kind == 3:
            status = caller.call("GET", "/api/health")
        elif kind == 4:
            forgot_token = index == 0 and k % 60 == 4
            status = caller.call("GET", "/api/account", None if forgot_token else BEARER)
            expected = 401 if forgot_token else 200
        else:
            status = caller.call("POST", "/api/users", BEARER)
            expected = 201
        if status != expected:
            errors.append((address, k, status))

    try:
        paced(1 / NORMAL_RATE, CALLS_PER_NORMAL_CALLER, step)
    finally:
        caller.close()


def normal_traffic(port, steady):
    """Ten normal clients in parallel, and the steady health checker's baseline; returns the
    number of calls made."""
    errors = []
    threads = [threading.Thread(target=normal_user, args=(port, i, a, errors))
               for i, a in enumerate(NORMAL_CALLERS)]
    duration = CALLS_PER_NORMAL_CALLER / NORMAL_RATE
    steady_calls = int(duration * 5)
    threads.append(threading.Thread(
        target=paced, args=(0.2, steady_calls, lambda k: steady.call("GET", "/api/health"))))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return len(NORMAL_CALLERS) * CALLS_PER_NORMAL_CALLER + steady_calls


def spike(steady, calls):
    """`calls` health checks as fast as possible, started just after a 3 s bucket opens so the
    whole spike lands in one bucket."""
    while time.time() % 3 > 0.05:
        time.sleep(0.005)
    for _ in range(calls):
        assert steady.call("GET", "/api/health") == 200


def attacks(port, steady):
    """The scripted attacks; returns the number of calls made."""
    made = 0
    intruder = Caller(port, UNAUTHENTICATED)
    assert intruder.call("GET", "/api/users/7") == 200  # the spec secures it; no credential
    assert intruder.call("GET", "/api/internal/debug") == 200  # privileged, undeclared
    made += 2

    guesser = Caller(port, GUESSER)
    for _ in range(25):
        assert guesser.call("GET", "/api/account") == 401
    made += 25

    enumerator = Caller(port, ENUMERATOR)
    for user in range(1, 501):
        assert enumerator.call("GET", f"/api/users/{user}", BEARER) == 200
    made += 500

    spike(steady, 100)
    made += 100

    leaker = Caller(port, LEAKER)
    assert leaker.call("GET", f"/api/users?api_key={QUERY_SECRET}") == 200
    made += 1

    forger = Caller(port, FORGER)
    assert forger.call("GET", "/api/users/2", {"Authorization": "Bearer " + ALG_NONE_JWT}) == 200
    made += 1

    for c in (intruder, guesser, enumerator, leaker, forger):
        c.close()
    return made


EXPECTED = {
    ("unauthenticated_access", "GET /api/users/{userId}", UNAUTHENTICATED, 1),
    ("unauthenticated_access", "GET /api/internal/debug", UNAUTHENTICATED, 1),
    ("shadow_endpoint", "GET /api/internal/debug", "", 1),
    ("auth_failure_burst", "*", GUESSER, 1),
    ("object_enumeration", "GET /api/users/{userId}", ENUMERATOR, 1),
    ("rate_anomaly", "GET /api/health", STEADY, 1),
    ("credential_in_url", "GET /api/users", LEAKER, 1),
    ("weak_jwt", "GET /api/users/{userId}", FORGER, 1),
}


def finding_set(findings):
    return {(f["type"], f["endpoint"], f["caller"], f["count"]) for f in findings}


def test_normal_traffic_is_quiet_and_attacks_are_each_one_finding(shop, specs_dir, tmp_path):
    config = tmp_path / "detectors.yaml"
    config.write_text(DETECTOR_CONFIG)
    db = str(tmp_path / "inventory.db")
    service = f"python3:{shop}"
    agent = InventoryAgent(db, specs_dir, shop, "--detector-config", str(config))
    steady = Caller(shop, STEADY)
    try:
        normal = normal_traffic(shop, steady)
        assert normal >= 3000
        assert agent.wait_for_requests(service, normal) == normal, agent.read_log()
        assert agent.get("/v1/findings")["findings"] == [], "normal traffic raised findings"

        total = normal + attacks(shop, steady)
        assert agent.wait_for_requests(service, total) == total, agent.read_log()
        deadline = time.time() + 10
        while True:
            findings = agent.get("/v1/findings")["findings"]
            if finding_set(findings) == EXPECTED or time.time() > deadline:
                break
            time.sleep(0.2)
        assert finding_set(findings) == EXPECTED, json.dumps(findings, indent=1)
        assert all(f["service"] == service for f in findings)

        by_type = {}
        for f in findings:
            by_type.setdefault(f["type"], []).append(f)
        assert [f["severity"] for f in by_type["weak_jwt"]] == ["critical"]
        assert by_type["weak_jwt"][0]["evidence"]["problem"] == "alg_none"
        assert by_type["object_enumeration"][0]["evidence"]["distinct_values"] == "50"
        assert by_type["rate_anomaly"][0]["evidence"]["reason"] == "baseline"
        assert by_type["credential_in_url"][0]["evidence"]["query_parameter"] == "api_key"
        assert {f["owasp"] for f in findings} == {"API1:2023", "API2:2023", "API4:2023",
                                                 "API9:2023"}

        # The CLI shows the same findings, filtered.
        critical = agent.cli("findings", "--severity", "critical", "--json")
        assert [f["type"] for f in json.loads(critical)["findings"]] == ["weak_jwt"]

        # Credentials seen in traffic never reach findings, the API or the store in clear.
        everything = json.dumps(findings) + agent.cli("findings")
        for secret in (QUERY_SECRET, ALG_NONE_JWT.split(".")[1], BEARER["Authorization"][7:]):
            assert secret not in everything
    finally:
        steady.close()
        agent.stop()
    stored = b"".join(open(p, "rb").read() for p in (db, db + "-wal") if os.path.exists(p))
    assert b"api_key" in stored or b"credential_in_url" in stored  # findings were persisted
    assert QUERY_SECRET.encode() not in stored
    assert ALG_NONE_JWT.split(".")[1].encode() not in stored
