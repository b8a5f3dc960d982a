#!/usr/bin/python3
"""What the sensor costs the traffic it watches: nginx + wrk on loopback, with and without apisensor.

  saturation  wrk as fast as it can against a small JSON body; runs without and with the agent
              alternated ROUNDS times and prints both medians and their ratio (target >= 0.85),
              then one more run with kernel.bpf_stats_enabled for the cost per exchange (the
              ratio rounds run without it, as a production host does: it slows every program).
  paced       wrk with a Lua `delay` at a few thousand requests/s; prints the share of requests
              the agent reported, the BPF programs' run time per exchange (kernel.bpf_stats_enabled)
              and the agent's CPU time per exchange (target <= 5 us, kernel + userspace).

--h2 runs saturation over HTTP/2 in the clear (nginx h2c with prior knowledge, h2load with
--streams concurrent streams per connection): target ratio >= 0.85, every stream reported.

--tls runs both over HTTPS (nginx with a self-signed certificate, OpenSSL on both sides): the
agent then reads plaintext through its OpenSSL uprobes (targets: ratio >= 0.80, every request
reported at a paced 2,000 req/s: 22 connections, the --tls default for paced).

Needs root (BPF), nginx and wrk (scripts/setup.sh --with-test-deps). Prints figures; asserts
nothing, so a slow machine never fails a build. Everything is pinned to CPUS (default 0,1):
nginx, wrk and the agent share them, which is the worst case for the agent.
"""
import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BODY = '{"id":42,"name":"ada","roles":["reader"]}'


def fail(message):
    sys.exit(f"overhead: {message}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    fail(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class Nginx:
    def __init__(self, cpus, workers, tls=False, h2=False):
        self.root = tempfile.mkdtemp(prefix="apisensor-bench-nginx-")
        self.port = free_port()
        listen = f"listen 127.0.0.1:{self.port}" + (" http2" if h2 else "")
        if tls:
            cert, key = os.path.join(self.root, "cert.pem"), os.path.join(self.root, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                            "2", "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            listen += f" ssl; ssl_certificate {cert}; ssl_certificate_key {key}"
        conf = os.path.join(self.root, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes {workers};
daemon off;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  server {{
    {listen};
    location = /users/42 {{ default_type application/json; return 200 '{BODY}'; }}
  }}
}}
""")
        self.proc = subprocess.Popen(["taskset", "-c", cpus, "/usr/sbin/nginx", "-c", conf,
                                      "-p", self.root])
        wait_for_port(self.port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class Agent:
    """`apisensor trace` filtered to the benchmark port, its JSON lines kept for counting."""

    def __init__(self, binary, cpus, port, extra=()):
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(["taskset", "-c", cpus, binary, "trace", "--ephemeral-key",
                                      "--port", str(port), *extra], stdout=self.out, stderr=self.err)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.err.seek(0)
            if "apisensor: ready" in self.err.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.err.seek(0)
        fail("the agent did not start: " + self.err.read().strip())

    def cpu_ns(self):
        """CPU time of every agent thread so far, in ns (schedstat is exact, unlike ticks)."""
        total = 0
        task_dir = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task_dir):
            with open(f"{task_dir}/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        return total

    def stop(self):
        """Interrupts the agent; returns (exchange lines, counters)."""
        self.proc.send_signal(signal.SIGINT)
        if self.proc.wait(timeout=60) != 0:
            self.err.seek(0)
            fail("the agent exited with an error: " + self.err.read().strip())
        self.out.seek(0)
        exchanges = [json.loads(line) for line in self.out if line.strip()]
        self.err.seek(0)
        counters = {}
        for line in self.err:
            if line.startswith("apisensor: counters "):
                counters = json.loads(line[len("apisensor: counters "):])
        return exchanges, counters


SCHEME = "http"  # "https" with --tls
H2_STREAMS = 0  # > 0 with --h2: h2load with this many concurrent streams per connection


def run_h2load(cpus, port, threads, connections, seconds):
    """Runs h2load for `seconds`; returns (requests succeeded, requests/s, failures or '')."""
    cmd = ["taskset", "-c", cpus, "h2load", "-t", str(threads), "-c", str(connections), "-m",
           str(H2_STREAMS), "-D", str(seconds), f"http://127.0.0.1:{port}/users/42"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"finished in [\d.]+s, ([\d.]+) req/s", out).group(1))
    requests = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, "
                         r"(\d+) failed", out)
    failed = int(requests.group(2))
    return int(requests.group(1)), rate, f"({failed} failed)" if failed else ""


def run_wrk(cpus, port, threads, connections, seconds, script=None):
    """Runs wrk (h2load with --h2); returns (requests completed, requests/s, errors or '')."""
    if H2_STREAMS:
        return run_h2load(cpus, port, threads, connections, seconds)
    cmd = ["taskset", "-c", cpus, "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    if script:
        cmd += ["-s", script]
    cmd.append(f"{SCHEME}://127.0.0.1:{port}/users/42")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    completed = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Socket errors:.*|Non-2xx.*", out)
    return completed, rate, errors.group(0) if errors else ""


def kernel_prog_stats():
    """(run_time_ns, run_cnt) summed over apisensor's BPF programs (all named apisensor_*), and
    the same per program name (bpftool shortens names to 15 characters)."""
    progs = json.loads(subprocess.run(["bpftool", "-j", "prog", "show"], check=True,
                                      capture_output=True, text=True).stdout)
    run_time = run_cnt = 0
    per_program = {}
    for prog in progs:
        name = prog.get("name", "")
        if name.startswith("apisensor_"):
            t, c = prog.get("run_time_ns", 0), prog.get("run_cnt", 0)
            run_time += t
            run_cnt += c
            before = per_program.get(name, (0, 0))
            per_program[name] = (before[0] + t, before[1] + c)
    return run_time, run_cnt, per_program


def print_per_program(before, after, exchanges):
    """Runs per exchange and cost per run of each program between two kernel_prog_stats()."""
    for name in sorted(after[2]):
        t = after[2][name][0] - before[2].get(name, (0, 0))[0]
        c = after[2][name][1] - before[2].get(name, (0, 0))[1]
        if c:
            print(f"  {name:<16} {c / exchanges:6.2f} runs per exchange, {t / c:6.0f} ns per run, "
                  f"{t / exchanges / 1000:.2f} us per exchange")


class BpfStats:
    """kernel.bpf_stats_enabled on for the duration (restored on exit)."""

    def __enter__(self):
        with open("/proc/sys/kernel/bpf_stats_enabled") as f:
            self.before = f.read().strip()
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write("1")
        return self

    def __exit__(self, *exc):
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write(self.before)


def saturation_round(args, port, stats):
    """One wrk run with the agent tracing; returns (requests/s, completed, exchanges reported,
    counters, agent CPU ns, kernel_prog_stats() before and after or None, errors)."""
    agent = Agent(args.agent, args.cpus, port, args.agent_arg)
    with BpfStats() if stats else contextlib.nullcontext():
        kernel_before, cpu_before = kernel_prog_stats() if stats else None, agent.cpu_ns()
        completed, rate, errors = run_wrk(args.cpus, port, args.threads, args.connections,
                                          args.cost_seconds if stats else args.seconds)
        time.sleep(0.3)
        kernel_after, cpu_after = kernel_prog_stats() if stats else None, agent.cpu_ns()
    exchanges, counters = agent.stop()
    reported = sum(1 for ex in exchanges if ex["role"] == "server")
    return (rate, completed, reported, counters, cpu_after - cpu_before, kernel_before,
            kernel_after, errors)


def saturation(args):
    nginx = Nginx(args.cpus, args.nginx_workers, args.tls, args.h2)
    without, with_agent = [], []
    try:
        run_wrk(args.cpus, nginx.port, args.threads, args.connections, 2)  # warm-up
        for round_no in range(1, args.rounds + 1):
            _, rate, errors = run_wrk(args.cpus, nginx.port, args.threads, args.connections,
                                      args.seconds)
            without.append(rate)
            # As on a production host: kernel.bpf_stats_enabled costs every program run two clock
            # reads (~40 ns here, ~0.3 us per exchange), so the ratio is measured without it.
            rate_on, completed, reported, counters, cpu_ns, _, _, errors_on = saturation_round(
                args, nginx.port, stats=False)
            with_agent.append(rate_on)
            print(f"round {round_no}: without {rate:,.0f} req/s, with {rate_on:,.0f} req/s; "
                  f"agent reported {reported:,} of {completed:,} completed requests "
                  f"(ring drops {counters.get('kernel_ring_full_drops', '?')}); agent "
                  f"{cpu_ns / max(reported, 1) / 1000:.2f} us per exchange {errors}{errors_on}",
                  flush=True)
        # The BPF programs' own run time needs kernel.bpf_stats_enabled: measured in a run of its
        # own, whose rate is not part of the ratio.
        rate_on, completed, reported, counters, cpu_ns, kernel_before, kernel_after, _ = (
            saturation_round(args, nginx.port, stats=True))
        per = max(reported, 1)
        print(f"cost run ({args.cost_seconds} s, bpf_stats on, {rate_on:,.0f} req/s): agent "
              f"reported {reported:,} of {completed:,}; per exchange: bpf "
              f"{(kernel_after[0] - kernel_before[0]) / per / 1000:.2f} us, agent "
              f"{cpu_ns / per / 1000:.2f} us", flush=True)
        if args.per_program:
            print_per_program(kernel_before, kernel_after, per)
    finally:
        nginx.stop()
    median_without, median_with = statistics.median(without), statistics.median(with_agent)
    print(f"median without agent: {median_without:,.0f} req/s")
    print(f"median with agent:    {median_with:,.0f} req/s")
    target = 0.80 if args.tls else 0.85
    print(f"ratio: {median_with / median_without:.3f} (target >= {target:.2f})")


def paced(args):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    # wrk waits delay() ms before each request on a connection: connections / delay sets the rate.
    script.write(f"function delay() return {args.delay_ms} end\n")
    script.close()
    nginx = Nginx(args.cpus, args.nginx_workers, args.tls)
    try:
        with BpfStats():
            agent = Agent(args.agent, args.cpus, nginx.port, args.agent_arg)
            time.sleep(0.5)
            kernel_before, cpu_before = kernel_prog_stats(), agent.cpu_ns()
            completed, rate, errors = run_wrk(args.cpus, nginx.port, args.threads,
                                              args.connections, args.seconds, script.name)
            time.sleep(0.5)  # the agent reports what is still in the ring
            kernel_after, cpu_after = kernel_prog_stats(), agent.cpu_ns()
            exchanges, counters = agent.stop()
    finally:
        nginx.stop()
        os.unlink(script.name)
    complete = sum(1 for ex in exchanges if ex["role"] == "server" and ex["end"] == "complete"
                   and ex["response"] and ex["response"]["status"] == 200)
    bpf_ns = kernel_after[0] - kernel_before[0]
    bpf_runs = kernel_after[1] - kernel_before[1]
    agent_ns = cpu_after - cpu_before
    per = max(complete, 1)
    print(f"wrk: {completed:,} requests at {rate:,.0f} req/s {errors}")
    print(f"reported: {complete:,} complete exchanges = {100.0 * complete / completed:.2f}% of "
          f"requests (other reports: {len(exchanges) - complete}, ring drops "
          f"{counters.get('kernel_ring_full_drops', '?')})")
    print(f"bpf: {bpf_runs:,} program runs, {bpf_ns / 1e6:,.1f} ms = "
          f"{bpf_ns / per / 1000:.2f} us per exchange ({bpf_ns / max(bpf_runs, 1):.0f} ns per run)")
    if args.per_program:
        print_per_program(kernel_before, kernel_after, per)
    print(f"agent: {agent_ns / 1e6:,.1f} ms CPU = {agent_ns / per / 1000:.2f} us per exchange")
    print(f"total: {(bpf_ns + agent_ns) / per / 1000:.2f} us per exchange" +
          ("" if args.tls else " (target <= 5)"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["saturation", "paced"])
    parser.add_argument("--agent", default=os.path.join(REPO, "build", "bin", "apisensor"))
    parser.add_argument("--cpus", default="0,1", help="CPUs nginx, wrk and the agent share")
    parser.add_argument("--rounds", type=int, default=3, help="saturation: without/with pairs")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--cost-seconds", type=int, default=5,
                        help="saturation: length of the run with kernel.bpf_stats_enabled")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int,
                        help="wrk connections (default 32; paced 40, or 22 with --tls)")
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--agent-arg", action="append", default=[],
                        help="extra argument for `apisensor trace` (repeatable)")
    parser.add_argument("--delay-ms", type=int, default=10, help="paced: per-connection delay")
    parser.add_argument("--tls", action="store_true", help="HTTPS instead of plain HTTP")
    parser.add_argument("--h2", action="store_true",
                        help="saturation over h2c with h2load instead of HTTP/1.1 with wrk")
    parser.add_argument("--streams", type=int, default=10,
                        help="--h2: concurrent streams per connection")
    parser.add_argument("--per-program", action="store_true",
                        help="also print each BPF program's runs and cost per exchange")
    args = parser.parse_args()
    if args.connections is None:
        args.connections = (22 if args.tls else 40) if args.mode == "paced" else 32
    global SCHEME, H2_STREAMS
    SCHEME = "https" if args.tls else "http"
    if args.h2:
        if args.tls or args.mode != "saturation":
            fail("--h2 is for saturation in the clear (h2c)")
        if shutil.which("h2load") is None:
            fail("h2load is not installed: run scripts/setup.sh --with-test-deps")
        H2_STREAMS = args.streams
    if os.geteuid() != 0:
        fail("run as root: the agent loads BPF programs")
    for tool in ("wrk", "taskset", "bpftool", "openssl"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed: run scripts/setup.sh --with-test-deps")
    if not os.path.exists("/usr/sbin/nginx"):
        fail("nginx is not installed: run scripts/setup.sh --with-test-deps")
    if not os.access(args.agent, os.X_OK):
        fail(f"{args.agent} is missing: build first (cmake -S . -B build && cmake --build build)")
    saturation(args) if args.mode == "saturation" else paced(args)


if __name__ == "__main__":
    main()
