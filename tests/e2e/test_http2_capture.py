"""End to end over HTTP/2: nginx serving h2 over TLS and h2c (prior knowledge), nghttp and
h2load as clients, the real agent. Many streams share one connection; each must be reported
once, from nginx's side, with its own stream id, path, status and exact sizes.
"""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import Nginx, free_port, wait_for_port

BIG = 300_000
PONG = len('{"pong":true}')


@pytest.fixture
def h2_nginx(tls_cert):
    tls_port, clear_port = free_port(), free_port()
    server = Nginx(f"""
    listen 127.0.0.1:{tls_port} ssl http2;
    listen 127.0.0.1:{clear_port} http2;
    ssl_certificate {tls_cert[0]};
    ssl_certificate_key {tls_cert[1]};
    location = /api/ping {{ default_type application/json; return 200 '{{"pong":true}}'; }}
    location /files/ {{ alias {{root}}/; default_type application/octet-stream; }}
""", {"blob": os.urandom(BIG)})
    server.wait_for_port(clear_port)
    yield {"tls": tls_port, "clear": clear_port, "pid": server.pid}
    server.stop()


def nghttp(*args):
    if shutil.which("nghttp") is None:
        pytest.fail("nghttp is not installed: run scripts/setup.sh --with-test-deps")
    return subprocess.run(["nghttp", "-n", "-s", *args], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def brief(ex):
    return (ex["request"]["method"], ex["request"]["path"], ex["response"]["status"],
            ex["response"]["body_size"])


def test_many_streams_over_tls_on_one_connection(start_agent, h2_nginx):
    port = h2_nginx["tls"]
    agent = start_agent("--port", str(port))
    # Each URI ten times: 20 concurrent streams on one connection, the large bodies spread over
    # many DATA frames and interleaved.
    out = nghttp("-m", "10", f"https://127.0.0.1:{port}/api/ping",
                 f"https://127.0.0.1:{port}/files/blob")
    assert len(re.findall(r"\s200\s", out)) == 20, out
    exchanges, counters = agent.stop()

    assert sorted(map(brief, exchanges)) == sorted(
        [("GET", "/api/ping", 200, PONG)] * 10 + [("GET", "/files/blob", 200, BIG)] * 10)
    for ex in exchanges:
        assert ex["protocol"] == "http/2" and ex["tls"] is True
        assert ex["role"] == "server" and ex["comm"] == "nginx"
        assert ex["end"] == "complete" and "partial" not in ex
        assert ex["request"]["host"] == f"127.0.0.1:{port}"
        assert ex["latency_ns"] > 0
    assert len({ex["stream_id"] for ex in exchanges}) == 20
    assert all(ex["stream_id"] % 2 == 1 for ex in exchanges)
    assert len({ex["remote"]["port"] for ex in exchanges}) == 1  # one connection
    assert not any("body_complete" in ex["response"] for ex in exchanges)  # none cut
    assert counters["duplicates_suppressed"] == 20  # nghttp's own copies
    assert counters["http2_hpack_errors"] == 0 and counters["http2_resync_skipped_bytes"] == 0


def test_h2c_prior_knowledge_statuses(start_agent, h2_nginx):
    port = h2_nginx["clear"]
    agent = start_agent("--port", str(port))
    nghttp(f"http://127.0.0.1:{port}/api/ping", f"http://127.0.0.1:{port}/missing")
    exchanges, _ = agent.stop()
    assert sorted((ex["request"]["path"], ex["response"]["status"]) for ex in exchanges) == [
        ("/api/ping", 200), ("/missing", 404)]
    assert {ex["protocol"] for ex in exchanges} == {"http/2"}
    assert {ex["tls"] for ex in exchanges} == {False}


def test_h2load_every_stream_reported_once(start_agent, h2_nginx):
    port = h2_nginx["clear"]
    agent = start_agent("--port", str(port))
    out = subprocess.run(["h2load", "-n", "300", "-c", "3", "-m", "10",
                          f"http://127.0.0.1:{port}/api/ping"],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    assert "300 succeeded" in out, out
    exchanges, counters = agent.stop(settle=1.0)
    assert len(exchanges) == 300
    assert {brief(ex) for ex in exchanges} == {("GET", "/api/ping", 200, PONG)}
    assert len({ex["remote"]["port"] for ex in exchanges}) == 3
    for conn in {ex["remote"]["port"] for ex in exchanges}:
        ids = [ex["stream_id"] for ex in exchanges if ex["remote"]["port"] == conn]
        assert len(ids) == len(set(ids)) == 100


@pytest.fixture
def apache_h2c():
    """Apache with mod_http2 allowing the HTTP/1.1 `Upgrade: h2c` (nginx does not offer it)."""
    if not os.path.exists("/usr/sbin/apache2"):
        pytest.fail("apache2 is not installed: run scripts/setup.sh --with-test-deps")
    root = tempfile.mkdtemp(prefix="apisensor-apache-")
    os.makedirs(os.path.join(root, "www"))
    for d in (root, os.path.join(root, "www")):
        os.chmod(d, 0o755)
    with open(os.path.join(root, "www", "ok.json"), "w") as f:
        f.write('{"ok":true}\n')
    port = free_port()
    modules = "/usr/lib/apache2/modules"
    conf = os.path.join(root, "httpd.conf")
    with open(conf, "w") as f:
        f.write(f"""
ServerRoot {root}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule http2_module {modules}/mod_http2.so
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
User www-data
Group www-data
ServerName localhost
DocumentRoot {root}/www
Protocols h2c http/1.1
<Directory {root}/www>
  Require all granted
</Directory>
""")
    proc = subprocess.Popen(["/usr/sbin/apache2", "-f", conf, "-DFOREGROUND"])
    wait_for_port(port, f"apache2 (see {root}/error.log)")
    yield port
    proc.terminate()
    proc.wait()
    shutil.rmtree(root, ignore_errors=True)


def test_h2c_upgrade_from_http1(start_agent, apache_h2c):
    """curl --http2 on http:// asks to upgrade (GET with Upgrade: h2c); Apache answers 101 and
    sends the response on HTTP/2 stream 1. The exchange is the request with that answer."""
    port = apache_h2c
    agent = start_agent("--port", str(port))
    for path, code in (("/ok.json", "200"), ("/missing", "404")):
        out = subprocess.run(["curl", "-sS", "--http2", "-o", "/dev/null", "-w",
                              "%{http_code} %{http_version}", f"http://127.0.0.1:{port}{path}"],
                             check=True, capture_output=True, text=True).stdout
        assert out == f"{code} 2", out
    exchanges, counters = agent.stop()

    assert sorted((ex["request"]["path"], ex["response"]["status"]) for ex in exchanges) == [
        ("/missing", 404), ("/ok.json", 200)]
    for ex in exchanges:
        assert ex["protocol"] == "http/2" and ex["stream_id"] == 1
        assert ex["role"] == "server" and ex["comm"] == "apache2"
        assert ex["request"]["method"] == "GET"
        assert ex["request"]["headers"]["upgrade"] == "h2c"  # the HTTP/1 request it came as
        assert "partial" not in ex
    ok = next(ex for ex in exchanges if ex["request"]["path"] == "/ok.json")
    assert ok["response"]["body_size"] == len('{"ok":true}\n')
    assert counters["duplicates_suppressed"] == 2  # curl's copies
