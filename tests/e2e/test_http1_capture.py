"""End to end: real servers and clients on loopback, the real agent, exact reports.

Every test asserts the exact set of exchanges the agent printed for the test server's port:
one per request, reported from the server side only (the client's copy is de-duplicated).
"""
import json
import os
import socket
import subprocess
import time
import urllib.request

import requests

from conftest import PYTHON, curl

SERVER_BODY_USERS = lambda uid: len(json.dumps({"id": uid, "name": "ada"}))


def brief(ex):
    """The fields most assertions compare, as a tuple."""
    resp = ex["response"]
    return (ex["role"], ex["request"]["method"], ex["request"]["path"],
            resp["status"] if resp else None, ex["request"]["body_size"],
            resp["body_size"] if resp else None)


def assert_common(ex, server, comm="python3"):
    assert ex["protocol"] == "http/1.1"
    assert ex["tls"] is False
    assert ex["role"] == "server"
    assert ex["comm"] == comm
    assert ex["local"]["port"] == server.port
    assert ex["remote"]["port"] != server.port
    assert ex["latency_ns"] > 0
    assert ex["cgroup_id"] > 0
    assert ex["ts"].endswith("Z") and len(ex["ts"]) == len("2026-01-01T00:00:00.000000000Z")


def test_methods_paths_statuses_and_query(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    assert curl(api_server.url("/users/42?expand=1&fields=a&expand=2")) == "200"
    assert curl("-X", "POST", "-H", "Content-Type: application/json", "-d", '{"name":"x"}',
                api_server.url("/items")) == "201"
    assert curl("-X", "PUT", "-d", "abc", api_server.url("/items")) == "200"
    assert curl("-X", "DELETE", api_server.url("/items")) == "204"
    assert curl(api_server.url("/status/404")) == "404"
    assert curl(api_server.url("/status/500")) == "500"
    exchanges, counters = agent.stop()

    assert sorted(map(brief, exchanges)) == sorted([
        ("server", "GET", "/users/42", 200, 0, SERVER_BODY_USERS("42")),
        ("server", "POST", "/items", 201, 12, 16),
        ("server", "PUT", "/items", 200, 3, 16),
        ("server", "DELETE", "/items", 204, 0, 0),
        ("server", "GET", "/status/404", 404, 0, 25),
        ("server", "GET", "/status/500", 500, 0, 25),
    ])
    for ex in exchanges:
        assert_common(ex, api_server)
        assert ex["pid"] == api_server.pid
        assert ex["end"] == "complete"
        assert ex["request"]["host"] == f"127.0.0.1:{api_server.port}"
        assert ex["local"]["addr"] == "127.0.0.1" and ex["remote"]["addr"] == "127.0.0.1"
    get = next(ex for ex in exchanges if ex["request"]["path"] == "/users/42")
    assert get["request"]["query"] == ["expand", "fields"]
    assert get["response"]["content_type"] == "application/json"
    post = next(ex for ex in exchanges if ex["request"]["method"] == "POST")
    assert post["request"]["content_type"] == "application/json"
    assert counters["exchanges_reported"] == 6
    assert counters["duplicates_suppressed"] == 6  # curl's own copies
    assert counters["kernel_events"] > 0


def test_hundred_requests_on_one_keepalive_connection(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    with requests.Session() as s:
        for i in range(100):
            assert s.get(api_server.url(f"/users/{i}")).status_code == 200
    exchanges, counters = agent.stop()
    assert sorted(map(brief, exchanges)) == sorted(
        ("server", "GET", f"/users/{i}", 200, 0, SERVER_BODY_USERS(str(i))) for i in range(100))
    assert len({ex["remote"]["port"] for ex in exchanges}) == 1
    # After the first duplicate the kernel stops copying the client's side of the connection.
    assert counters["copies_stopped"] == 1
    assert counters["kernel_bytes_peer_reported"] > 0
    assert counters["duplicates_suppressed"] < 100
    # Reported in request order.
    assert [ex["request"]["path"] for ex in exchanges] == [f"/users/{i}" for i in range(100)]


def test_pipelined_requests(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"".join(
            b"GET /users/%d HTTP/1.1\r\nHost: pipelined\r\n\r\n" % i for i in (1, 2, 3)))
        received = b""
        while received.count(b"HTTP/1.1 200") < 3 or not received.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk
            received += chunk
    exchanges, _ = agent.stop()
    assert [brief(ex) for ex in exchanges] == [
        ("server", "GET", f"/users/{i}", 200, 0, SERVER_BODY_USERS(str(i))) for i in (1, 2, 3)]
    assert all(ex["request"]["host"] == "pipelined" for ex in exchanges)


def test_chunked_response(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    assert curl(api_server.url("/chunked")) == "200"
    exchanges, _ = agent.stop()
    assert [brief(ex) for ex in exchanges] == [("server", "GET", "/chunked", 200, 0, 18)]
    assert exchanges[0]["response"]["headers"]["transfer-encoding"] == "chunked"


def test_one_mebibyte_response_size_is_exact(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    assert curl(api_server.url("/bytes/1048576")) == "200"
    exchanges, counters = agent.stop()
    assert [brief(ex) for ex in exchanges] == [("server", "GET", "/bytes/1048576", 200, 0, 1048576)]
    # Only the first 16 KiB of each write is copied: the rest is counted, not shipped.
    assert counters["kernel_bytes_truncated"] > 0
    assert counters["kernel_bytes_shipped"] < 1048576


def test_ipv6_loopback(start_agent, api_server_v6):
    agent = start_agent("--port", str(api_server_v6.port))
    assert curl("-g", api_server_v6.url("/users/6")) == "200"
    exchanges, _ = agent.stop()
    assert [brief(ex) for ex in exchanges] == [
        ("server", "GET", "/users/6", 200, 0, SERVER_BODY_USERS("6"))]
    assert exchanges[0]["local"] == {"addr": "::1", "port": api_server_v6.port}
    assert exchanges[0]["remote"]["addr"] == "::1"


def test_head_and_expect_continue(start_agent, api_server, tmp_path):
    agent = start_agent("--port", str(api_server.port))
    assert curl("-I", api_server.url("/users/5")) == "200"
    body = tmp_path / "body.json"
    body.write_text("{" + " " * 3000 + "}")
    assert curl("-H", "Expect: 100-continue", "--data-binary", f"@{body}",
                api_server.url("/items")) == "201"
    exchanges, counters = agent.stop()
    assert sorted(map(brief, exchanges)) == sorted([
        ("server", "HEAD", "/users/5", 200, 0, 0),
        ("server", "POST", "/items", 201, 3002, 16),
    ])
    assert counters["http1_informational"] >= 1  # the 100 Continue, skipped


def test_response_delimited_by_close(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    assert curl(api_server.url("/close/5000")) == "200"
    exchanges, _ = agent.stop()
    assert [brief(ex) for ex in exchanges] == [("server", "GET", "/close/5000", 200, 0, 5000)]


def test_urllib_client_http10_and_404(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    with urllib.request.urlopen(api_server.url("/users/9")) as r:
        assert r.status == 200
    assert curl("--http1.0", api_server.url("/nowhere")) == "404"
    exchanges, _ = agent.stop()
    assert sorted(map(brief, exchanges)) == sorted([
        ("server", "GET", "/users/9", 200, 0, SERVER_BODY_USERS("9")),
        ("server", "GET", "/nowhere", 404, 0, 21),
    ])


def test_client_disconnects_mid_response(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    total = 64 << 20
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"GET /bytes/%d HTTP/1.1\r\nHost: x\r\n\r\n" % total)
        got = 0
        while got < 200_000:
            got += len(sock.recv(65536))
    time.sleep(1)  # let the server notice the reset and close its side
    exchanges, _ = agent.stop()
    assert len(exchanges) == 1
    ex = exchanges[0]
    assert (ex["role"], ex["request"]["path"], ex["response"]["status"]) == (
        "server", f"/bytes/{total}", 200)
    assert ex["response"]["body_complete"] is False
    assert 0 < ex["response"]["body_size"] < total


def test_unanswered_request_is_reported_at_close(start_agent):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        agent = start_agent("--port", str(port))
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = listener.accept()
        client.sendall(b"GET /never/answered HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(4096).startswith(b"GET /never/answered")
        conn.close()
        client.close()
        exchanges, _ = agent.stop()
    assert len(exchanges) == 1
    assert exchanges[0]["end"] == "no_response"
    assert exchanges[0]["response"] is None
    assert exchanges[0]["request"]["path"] == "/never/answered"
    assert exchanges[0]["role"] == "server"


def test_credentials_are_fingerprinted(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port))
    assert curl("-H", "Authorization: Bearer s3cr3t-t0ken-value", "-H",
                "Cookie: session=abcdef123456; theme=dark", "-H", "X-Api-Key: key-987654321",
                api_server.url("/users/1")) == "200"
    agent.stdout.seek(0)
    exchanges, _ = agent.stop()
    agent.stdout.seek(0)
    raw = agent.stdout.read()
    for secret in ("s3cr3t-t0ken-value", "abcdef123456", "key-987654321"):
        assert secret not in raw
    headers = exchanges[0]["request"]["headers"]
    assert headers["authorization"].startswith("Bearer fp:")
    assert headers["cookie"].startswith("session=fp:")
    assert headers["x-api-key"].startswith("fp:")


def test_nginx_memory_and_sendfile_bodies(start_agent, nginx):
    agent = start_agent("--port", str(nginx.port))
    assert curl(f"http://127.0.0.1:{nginx.port}/api/ping") == "200"
    assert curl(f"http://127.0.0.1:{nginx.port}/static/data.json") == "200"
    assert curl(f"http://127.0.0.1:{nginx.port}/api/missing") == "404"
    exchanges, _ = agent.stop()
    size = os.path.getsize(os.path.join(nginx.root, "data.json"))
    summary = sorted((ex["request"]["path"], ex["response"]["status"], ex["response"]["body_size"])
                     for ex in exchanges)
    assert [(p, s) for p, s, _ in summary] == [
        ("/api/missing", 404), ("/api/ping", 200), ("/static/data.json", 200)]
    assert dict((p, b) for p, _, b in summary)["/api/ping"] == len('{"pong":true}')
    assert dict((p, b) for p, _, b in summary)["/static/data.json"] == size
    for ex in exchanges:
        assert ex["comm"] == "nginx" and ex["role"] == "server" and ex["latency_ns"] > 0


def test_filters_select_the_client_side(start_agent, api_server):
    agent = start_agent("--port", str(api_server.port), "--comm", "curl")
    assert curl(api_server.url("/users/3")) == "200"
    subprocess.run([PYTHON, "-c", f"import urllib.request; urllib.request.urlopen('{api_server.url('/users/4')}')"],
                   check=True)
    exchanges, counters = agent.stop()
    assert [brief(ex) for ex in exchanges] == [
        ("client", "GET", "/users/3", 200, 0, SERVER_BODY_USERS("3"))]
    assert exchanges[0]["comm"] == "curl"
    assert exchanges[0]["remote"]["port"] == api_server.port
    assert counters["filtered_events"] > 0


def test_connection_opened_before_the_agent_started(start_agent, api_server):
    with requests.Session() as s:
        assert s.get(api_server.url("/users/0")).status_code == 200  # before the agent
        agent = start_agent("--port", str(api_server.port))
        for i in (1, 2, 3):
            assert s.get(api_server.url(f"/users/{i}")).status_code == 200
        exchanges, counters = agent.stop()
    # Roles come from which side sent the request line, so the old socket is still reported
    # once, from the server, starting at the first whole message the agent saw.
    assert [brief(ex) for ex in exchanges] == [
        ("server", "GET", f"/users/{i}", 200, 0, SERVER_BODY_USERS(str(i))) for i in (1, 2, 3)]
    assert counters["duplicates_suppressed"] >= 1
    assert counters["copies_stopped"] == 1


def test_pid_filter_keeps_only_that_process(start_agent, api_server, api_server_v6):
    agent = start_agent("--pid", str(api_server_v6.pid))
    assert curl(api_server.url("/users/1")) == "200"
    assert curl("-g", api_server_v6.url("/users/2")) == "200"
    exchanges, _ = agent.stop()
    assert [brief(ex) for ex in exchanges] == [
        ("server", "GET", "/users/2", 200, 0, SERVER_BODY_USERS("2"))]
    assert exchanges[0]["pid"] == api_server_v6.pid
