"""End to end over gRPC: a python3-grpcio server and client (h2c), the real agent. Each call is
reported once, from the server, as protocol "grpc" with its service, method, status, message
counts and the first messages' field shapes.
"""
import os
import subprocess

import pytest

from conftest import HERE, PYTHON


BUILD_TESTS = os.path.join(HERE, "..", "..", "build", "tests")
APP = os.path.join(HERE, "servers", "grpc_app.py")
IMPLEMENTATIONS = {
    # python3-grpcio with raw protobuf bytes, and Debian's grpc++ with generated code
    "python": ([PYTHON, APP, "serve"], [PYTHON, APP, "call"]),
    "cpp": ([os.environ.get("APISENSOR_ORDERS_SERVER", os.path.join(BUILD_TESTS, "orders_server"))],
            [os.environ.get("APISENSOR_ORDERS_CLIENT", os.path.join(BUILD_TESTS, "orders_client"))]),
}


def start_grpc_server(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.strip():
        proc.kill()
        pytest.fail(f"the gRPC test server {argv[0]} did not start: run scripts/setup.sh "
                    "--with-test-deps and build")
    return proc, int(line)


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def grpc_impl(request):
    """A running server of one implementation, and the matching client command."""
    server_argv, client_argv = IMPLEMENTATIONS[request.param]
    proc, port = start_grpc_server(server_argv)
    yield port, proc.pid, client_argv
    proc.kill()
    proc.wait()


@pytest.fixture
def grpc_server():
    proc, port = start_grpc_server(IMPLEMENTATIONS["python"][0])
    yield port, proc.pid
    proc.kill()
    proc.wait()


def test_unary_streaming_and_error_calls(start_agent, grpc_impl):
    port, server_pid, client_argv = grpc_impl
    agent = start_agent("--port", str(port))
    out = subprocess.run([*client_argv, str(port)], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    assert out.splitlines() == ["get 42", "get-error NOT_FOUND order not found", "list [1, 2, 3]",
                                "upload 4", "chat [2, 11]"]
    exchanges, counters = agent.stop(settle=1.0)

    calls = sorted((ex["grpc"]["method"], ex["grpc"]["status"], ex["grpc"]["request_messages"],
                    ex["grpc"]["response_messages"]) for ex in exchanges)
    assert calls == sorted([
        ("Get", 0, 1, 1),
        ("Get", 5, 1, 0),
        ("List", 0, 1, 3),
        ("Upload", 0, 4, 1),
        ("Chat", 0, 2, 2),
    ])
    for ex in exchanges:
        assert ex["protocol"] == "grpc" and ex["tls"] is False
        assert ex["role"] == "server" and ex["pid"] == server_pid
        assert ex["grpc"]["service"] == "shop.Orders"
        assert ex["request"]["method"] == "POST"
        assert ex["request"]["path"] == "/shop.Orders/" + ex["grpc"]["method"]
        assert ex["response"]["status"] == 200
        assert ex["end"] == "complete" and "partial" not in ex
    failed = next(ex for ex in exchanges if ex["grpc"]["status"] == 5)
    assert failed["grpc"]["message"] == "order not found"
    ok_get = next(ex for ex in exchanges if ex["grpc"]["method"] == "Get" and
                  ex["grpc"]["status"] == 0)
    assert ok_get["grpc"]["request_shape"] == "1:varint"
    assert ok_get["grpc"]["response_shape"] == "1:varint 2:string"
    assert counters["duplicates_suppressed"] == 5  # the client's copies


def test_channel_opened_before_the_agent_is_partial_never_wrong(start_agent, grpc_server):
    """A long-lived channel whose connection and HPACK tables predate the agent: its calls are
    found from their frames, reported from the server (found by its listening port), marked
    partial, and whatever could not be decoded is absent rather than guessed."""
    port, server_pid = grpc_server
    client = subprocess.Popen([PYTHON, os.path.join(HERE, "servers", "grpc_app.py"), "channel",
                               str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        agent = start_agent("--port", str(port))
        out, _ = client.communicate("go\n", timeout=60)
    finally:
        client.kill()
    assert out.splitlines() == ["get 2", "get 3", "list [1, 2, 3]"]
    exchanges, counters = agent.stop(settle=1.0)

    assert len(exchanges) == 3
    for ex in exchanges:
        assert ex["partial"] is True
        assert ex["protocol"] in ("http/2", "grpc")
        assert ex["role"] == "server" and ex["pid"] == server_pid
        # Present means right: nothing decoded from a table the sensor never saw.
        assert ex["request"]["method"] in ("", "POST")
        assert ex["request"]["path"] in ("", "/shop.Orders/Get", "/shop.Orders/List")
        assert ex["response"]["status"] in (0, 200)
    assert len({ex["stream_id"] for ex in exchanges}) == 3
    assert counters["duplicates_suppressed"] == 3  # the client's side, also partial
    assert counters["http2_partial_exchanges"] == 6


def test_grpc_over_tls(start_agent, tls_cert):
    """python3-grpcio over TLS: gRPC's C core decrypts from memory buffers, so its socket is
    found from the ciphertext the thread read just before SSL_read (kernel_tls_linked_by_read).
    Its first writes come before any read and are lost to the sensor, so the exchanges may be
    partial; what they carry must be right."""
    proc, port = start_grpc_server([PYTHON, APP, "serve", *tls_cert])
    try:
        agent = start_agent("--port", str(port))
        out = subprocess.run([PYTHON, APP, "call", str(port), tls_cert[0]], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        assert out.splitlines()[:2] == ["get 42", "get-error NOT_FOUND order not found"]
        exchanges, counters = agent.stop(settle=1.0)
    finally:
        proc.kill()
        proc.wait()

    calls = sorted((ex["grpc"]["method"], ex["grpc"]["status"], ex["grpc"]["request_messages"],
                    ex["grpc"]["response_messages"]) for ex in exchanges)
    assert calls == sorted([("Get", 0, 1, 1), ("Get", 5, 1, 0), ("List", 0, 1, 3),
                            ("Upload", 0, 4, 1), ("Chat", 0, 2, 2)])
    for ex in exchanges:
        assert ex["protocol"] == "grpc" and ex["tls"] is True
        assert ex["role"] == "server" and ex["pid"] == proc.pid
        assert ex["request"]["path"] == "/shop.Orders/" + ex["grpc"]["method"]
    assert counters["kernel_tls_linked_by_read"] >= 1
    assert counters["http2_hpack_errors"] == 0
