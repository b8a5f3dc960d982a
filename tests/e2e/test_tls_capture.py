"""End to end over TLS: real HTTPS servers and clients using OpenSSL, the real agent.

The agent sees the plaintext through its uprobes on libssl, so every exchange must be reported
exactly as in the clear (once, from the server side) with "tls": true, and the ciphertext on
the wire must never turn into an exchange of its own.
"""
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import AGENT, PYTHON, _serve_api, curl, free_port

PROBE_POINTS = {"auto": "at its internal read/write functions",
                "public": "at its SSL_read/SSL_write entry and return"}


@pytest.fixture(params=sorted(PROBE_POINTS))
def tls_probes(request):
    """Both places the agent can probe OpenSSL: the same exchanges must come out of each."""
    return request.param


def start_tls_agent(start_agent, tls_probes, *args):
    agent = start_agent("--tls-probes", tls_probes, *args)
    agent.wait_for_log("TLS: probing OpenSSL in /usr/lib/x86_64-linux-gnu/libssl.so.3 (host "
                       f"library) {PROBE_POINTS[tls_probes]}")
    return agent


def brief(ex):
    resp = ex["response"]
    return (ex["request"]["method"], ex["request"]["path"], resp["status"] if resp else None,
            ex["request"]["body_size"], resp["body_size"] if resp else None)


def assert_tls_server_side(exchanges, port):
    for ex in exchanges:
        assert ex["tls"] is True
        assert ex["protocol"] == "http/1.1"
        assert ex["role"] == "server"
        assert ex["local"]["port"] == port
        assert ex["end"] == "complete"
        assert ex["latency_ns"] > 0


def test_curl_keepalive_and_post_against_nginx(start_agent, tls_probes, nginx):
    port = nginx.tls_port
    agent = start_tls_agent(start_agent, tls_probes, "--port", str(port))
    base = f"https://127.0.0.1:{port}"
    # One curl process, one connection: three GETs on it (keep-alive), then a POST with a body.
    out = subprocess.run(
        ["curl", "-sS", "-k", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
         "-w", "%{http_code} %{num_connects}\n",
         f"{base}/api/ping", f"{base}/api/missing", f"{base}/api/ping"],
        check=True, capture_output=True, text=True).stdout.split("\n")
    assert [line.split()[0] for line in out if line] == ["200", "404", "200"]
    assert sum(int(line.split()[1]) for line in out if line) == 1  # one TLS connection
    assert curl("-k", "-X", "POST", "-H", "Content-Type: application/json",
                "-d", '{"name":"ada","role":"admin"}', f"{base}/api/echo") == "201"
    exchanges, counters = agent.stop()

    pong = len('{"pong":true}')
    assert sorted(brief(ex)[:4] for ex in exchanges) == sorted([
        ("GET", "/api/ping", 200, 0),
        ("GET", "/api/missing", 404, 0),
        ("GET", "/api/ping", 200, 0),
        ("POST", "/api/echo", 201, len('{"name":"ada","role":"admin"}')),
    ])
    sizes = {ex["request"]["path"]: ex["response"]["body_size"] for ex in exchanges}
    assert sizes["/api/ping"] == pong and sizes["/api/echo"] == len('{"stored":true}')
    missing = next(e for e in exchanges if e["request"]["path"] == "/api/missing")
    assert missing["response"]["body_size"] > 0  # nginx's HTML error page
    assert_tls_server_side(exchanges, port)
    assert {ex["comm"] for ex in exchanges} == {"nginx"}
    keepalive = [ex["remote"]["port"] for ex in exchanges if ex["request"]["method"] == "GET"]
    assert len(set(keepalive)) == 1
    assert counters["exchanges_reported"] == 4
    assert counters["duplicates_suppressed"] == 4  # curl's own plaintext copies
    assert counters["tls_libraries_probed"] >= 1
    assert counters["http1_parse_errors"] == 0  # no ciphertext ever reached the parser
    assert counters["kernel_bytes_not_copied"] > 0  # the ciphertext, counted and not shipped


def test_python_urllib_against_python_https_server(start_agent, tls_probes, tls_api_server,
                                                   tls_cert):
    # Python calls SSL_read_ex/SSL_write_ex, nginx and curl SSL_read/SSL_write.
    agent = start_tls_agent(start_agent, tls_probes, "--port", str(tls_api_server.port))
    context = ssl.create_default_context(cafile=tls_cert[0])
    for uid in (7, 8):
        with urllib.request.urlopen(tls_api_server.url(f"/users/{uid}"), context=context) as r:
            assert r.status == 200
    request = urllib.request.Request(tls_api_server.url("/items"), data=b'{"x":1}', method="PUT")
    with urllib.request.urlopen(request, context=context) as r:
        assert r.status == 200
    exchanges, counters = agent.stop()

    body = lambda uid: len('{"id": "%d", "name": "ada"}' % uid)
    assert sorted(map(brief, exchanges)) == sorted([
        ("GET", "/users/7", 200, 0, body(7)),
        ("GET", "/users/8", 200, 0, body(8)),
        ("PUT", "/items", 200, 7, len('{"updated":true}')),
    ])
    assert_tls_server_side(exchanges, tls_api_server.port)
    assert {ex["pid"] for ex in exchanges} == {tls_api_server.pid}
    assert counters["duplicates_suppressed"] == 3
    assert counters["http1_parse_errors"] == 0


def test_openssl_s_client_raw_request(start_agent, tls_probes, tls_api_server):
    agent = start_tls_agent(start_agent, tls_probes, "--port", str(tls_api_server.port))
    request = (b"GET /users/99?debug=1 HTTP/1.1\r\nHost: raw.example\r\n"
               b"Authorization: Bearer abc.def.ghi\r\nConnection: close\r\n\r\n")
    out = subprocess.run(
        ["openssl", "s_client", "-quiet", "-ign_eof", "-connect",
         f"127.0.0.1:{tls_api_server.port}"],
        input=request, capture_output=True, timeout=30).stdout
    assert out.startswith(b"HTTP/1.1 200")
    exchanges, _ = agent.stop()

    assert [brief(ex) for ex in exchanges] == [
        ("GET", "/users/99", 200, 0, len('{"id": "99", "name": "ada"}'))]
    ex = exchanges[0]
    assert_tls_server_side(exchanges, tls_api_server.port)
    assert ex["request"]["host"] == "raw.example"
    assert ex["request"]["query"] == ["debug"]
    auth = ex["request"]["headers"]["authorization"]
    assert auth.startswith("Bearer ") and "abc.def.ghi" not in auth  # fingerprinted, not clear


def test_libssl_loaded_after_the_agent_started(start_agent, tls_cert):
    """A libssl file no process had mapped when the agent started (a private copy, as a container
    would bring) is found when a new process maps it, and its traffic is traced."""
    private = tempfile.mkdtemp(prefix="apisensor-libssl-")
    try:
        shutil.copy("/usr/lib/x86_64-linux-gnu/libssl.so.3", private)
        agent = start_agent("--comm", "python3")
        env = dict(os.environ, LD_LIBRARY_PATH=private)
        server_gen = _serve_api("127.0.0.1", "--tls", *tls_cert, env=env)
        server = next(server_gen)
        try:
            agent.wait_for_log(f"TLS: probing OpenSSL in {private}/libssl.so.3")
            assert curl("-k", server.url("/users/5")) == "200"
            exchanges, counters = agent.stop()
        finally:
            server_gen.close()
    finally:
        shutil.rmtree(private, ignore_errors=True)

    mine = [ex for ex in exchanges if ex["local"]["port"] == server.port]
    assert [brief(ex) for ex in mine] == [("GET", "/users/5", 200, 0, len('{"id": "5", "name": "ada"}'))]
    assert_tls_server_side(mine, server.port)
    assert mine[0]["pid"] == server.pid
    assert counters["tls_libraries_probed"] >= 2  # the host's libssl and the private copy


def test_unprobeable_library_is_reported_and_nothing_else_breaks(start_agent, api_server):
    """A file named like libssl without OpenSSL's symbols: the agent says why it cannot probe it,
    and keeps tracing everything else."""
    fake = tempfile.mkdtemp(prefix="apisensor-fake-libssl-")
    try:
        libz = next(p for p in ("/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1")
                    if os.path.exists(p))
        shutil.copy(libz, os.path.join(fake, "libssl.so.99"))
        agent = start_agent("--port", str(api_server.port))
        subprocess.run([PYTHON, "-c", "import time; time.sleep(2)"], check=True,
                       env=dict(os.environ, LD_PRELOAD=os.path.join(fake, "libssl.so.99")))
        line = agent.wait_for_log(f"TLS: not probing {fake}/libssl.so.99")
        assert "SSL_write" in line and "no such symbol" in line
        assert curl(api_server.url("/users/1")) == "200"
        exchanges, counters = agent.stop()
    finally:
        shutil.rmtree(fake, ignore_errors=True)

    assert [brief(ex) for ex in exchanges] == [("GET", "/users/1", 200, 0, len('{"id": "1", "name": "ada"}'))]
    assert exchanges[0]["tls"] is False
    assert counters["tls_libraries_unprobeable"] >= 1


def test_statically_linked_openssl_is_found_by_its_symbols(start_agent, tls_api_server):
    """An executable with OpenSSL inside (no libssl file mapped) started after the agent: the
    agent finds SSL_write among its symbols at exec and probes the executable itself."""
    client = os.path.realpath(os.environ.get("APISENSOR_STATIC_TLS_GET", os.path.join(
        os.path.dirname(__file__), "..", "..", "build", "tests", "static_tls_get")))
    # Only the client: with the server traced too, its side would be the one reported.
    agent = start_agent("--comm", "static_tls_get", "--port", str(tls_api_server.port))
    proc = subprocess.Popen([client, "127.0.0.1", str(tls_api_server.port), "/users/3"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        agent.wait_for_log(f"TLS: probing OpenSSL in {client} (executable of pid {proc.pid})")
        out, _ = proc.communicate("go\n", timeout=30)
    finally:
        proc.kill()
    assert out.startswith("HTTP/1.1 200")
    exchanges, counters = agent.stop()

    assert [brief(ex) for ex in exchanges] == [
        ("GET", "/users/3", 200, 0, len('{"id": "3", "name": "ada"}'))]
    ex = exchanges[0]
    assert ex["tls"] is True and ex["role"] == "client" and ex["comm"] == "static_tls_get"
    assert ex["pid"] == proc.pid
    assert ex["remote"]["port"] == tls_api_server.port


def test_status_lists_probed_and_unprobeable_libraries(tls_cert):
    """`apisensor status` asks a running `apisensor run` what it probes, and why not."""
    fake = tempfile.mkdtemp(prefix="apisensor-status-")
    listen = f"127.0.0.1:{free_port()}"
    agent = subprocess.Popen([AGENT, "run", "--ephemeral-key", "--listen", listen, "--db", "",
                              "--port", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        log = [agent.stderr.readline() for _ in range(1)]
        while "apisensor: ready" not in log[-1] and log[-1] and len(log) < 100:
            log.append(agent.stderr.readline())
        assert "apisensor: ready" in log[-1], "".join(log)
        libz = next(p for p in ("/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1")
                    if os.path.exists(p))
        shutil.copy(libz, os.path.join(fake, "libssl.so.42"))
        subprocess.run([PYTHON, "-c", "import time; time.sleep(2)"], check=True,
                       env=dict(os.environ, LD_PRELOAD=os.path.join(fake, "libssl.so.42")))
        time.sleep(1.2)  # the status is republished every second
        shown = subprocess.run([AGENT, "status", "--server", listen], check=True,
                               capture_output=True, text=True).stdout
        raw = json.loads(subprocess.run([AGENT, "status", "--server", listen, "--json"],
                                        check=True, capture_output=True, text=True).stdout)
    finally:
        agent.send_signal(2)
        agent.wait(timeout=30)
        shutil.rmtree(fake, ignore_errors=True)

    assert "probed      /usr/lib/x86_64-linux-gnu/libssl.so.3 (host library): internal read/write functions" in shown
    assert f"not probed  {fake}/libssl.so.42 (mapped by pid " in shown
    by_path = {lib["path"]: lib for lib in raw["tls_libraries"]}
    assert by_path["/usr/lib/x86_64-linux-gnu/libssl.so.3"]["probed"] is True
    assert by_path[f"{fake}/libssl.so.42"]["probed"] is False
    assert "no such symbol" in by_path[f"{fake}/libssl.so.42"]["problem"]
    assert raw["counters"]["tls_libraries_unprobeable"] >= 1

    gone = subprocess.run([AGENT, "status", "--server", listen], capture_output=True, text=True)
    assert gone.returncode == 1 and "no agent answered" in gone.stderr
