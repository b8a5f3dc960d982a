#!/usr/bin/env python3
"""Cost of apisensor's BPF programs per syscall, by path, without nginx or wrk in the way.

Runs the real agent and drives one process through three loops of a fixed number of syscalls,
reading the programs' run time (kernel.bpf_stats_enabled) around each:

  untraced   getppid(): the sys_exit program runs and returns at its syscall switch
  not-http   send/recv on a loopback TCP connection whose first bytes are not HTTP: socket
             lookup and connection-table hit, bytes counted, nothing copied
  exchange   one HTTP/1.1 request and response on a keep-alive loopback connection (client send,
             server recv, server send, client recv): the server side copied to the ring, the
             client side muted once the agent has seen that the server reports it

  ssl-call   SSL_free(NULL) through ctypes, timed by the wall clock without and with the agent: the
             price of one probed OpenSSL call, paid by the traced process. The agent probes an
             instruction the kernel emulates, so this is one breakpoint trap; a probe on one it
             must single-step costs a second trap (see docs/architecture.md, TLS)

Other processes' syscalls run the same program meanwhile; the loops are long enough that they
add a few per cent at most. Usage: sudo bench/overhead/probe_cost.py [--count N]
"""
import argparse
import ctypes
import ctypes.util
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from overhead import Agent, BpfStats, fail, kernel_prog_stats  # noqa: E402

REQUEST = b"GET /users/42 HTTP/1.1\r\nHost: bench\r\nUser-Agent: probe-cost\r\n\r\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n" +
            b'{"id":42,"name":"Ada","email":"a@ex.org"}\n')


def measured(label, count, loop):
    t0, n0, _ = kernel_prog_stats()
    start = time.perf_counter()
    loop(count)
    wall = time.perf_counter() - start
    t1, n1, _ = kernel_prog_stats()
    runs = n1 - n0
    print(f"{label:10s} {count:8d} iterations  {runs / count:5.2f} runs each  "
          f"{(t1 - t0) / count:8.0f} ns BPF per iteration  "
          f"{(t1 - t0) / max(runs, 1):6.0f} ns per run  ({wall:.1f} s)")


def ssl_call_ns(count):
    """Wall-clock ns per SSL_free(NULL), a probed OpenSSL function that returns at once."""
    libssl = ctypes.CDLL(ctypes.util.find_library("ssl"))
    ssl_free = libssl.SSL_free
    ssl_free.argtypes = [ctypes.c_void_p]
    start = time.perf_counter_ns()
    for _ in range(count):
        ssl_free(None)
    return (time.perf_counter_ns() - start) / count


def connected_pair():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client, server


def recv_exactly(sock, n):
    got = 0
    while got < n:
        chunk = sock.recv(n - got)
        if not chunk:
            fail("connection closed during the benchmark")
        got += len(chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--binary", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "../../build/bin/apisensor"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        fail("run as root: loading BPF programs and reading their statistics needs it")

    ssl_count = max(args.count // 10, 1000)
    ssl_before = ssl_call_ns(ssl_count)
    client, server = connected_pair()
    agent = Agent(args.binary, "0-1", server.getsockname()[1])
    try:
        with BpfStats():
            measured("untraced", args.count, lambda n: [os.getppid() for _ in range(n)])

            other_c, other_s = connected_pair()
            other_c.send(b"\x00not http\n")
            recv_exactly(other_s, 10)

            def not_http(n):
                for _ in range(n):
                    other_c.send(b"ping")
                    recv_exactly(other_s, 4)
            measured("not-http", args.count, not_http)

            def exchanges(n):
                for _ in range(n):
                    client.send(REQUEST)
                    recv_exactly(server, len(REQUEST))
                    server.send(RESPONSE)
                    recv_exactly(client, len(RESPONSE))
            exchanges(200)  # lets the agent see both sides and mute the client's copies
            time.sleep(0.5)
            measured("exchange", args.count, exchanges)
            ssl_after = ssl_call_ns(ssl_count)
            print(f"ssl-call   {ssl_count:8d} iterations  {ssl_before:8.0f} ns per call without "
                  f"the agent, {ssl_after:8.0f} ns with it: {ssl_after - ssl_before:.0f} ns per "
                  f"probed call")
    finally:
        reported, counters = agent.stop()
    print(f"agent reported {len(reported)} exchanges of {args.count + 200}; "
          f"copies_stopped={counters.get('copies_stopped')} "
          f"kernel_bytes_peer_reported={counters.get('kernel_bytes_peer_reported')}")


if __name__ == "__main__":
    main()
