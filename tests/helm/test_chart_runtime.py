"""The rendered chart, run: the real collector and agent started with exactly the arguments,
files, file modes, users and capabilities the manifests give their pods.

The collector runs as the pod's non-root user with its fsGroup; the agent as root holding only
the capabilities the DaemonSet adds, its collector address resolved to this machine in a private
mount namespace (a bind-mounted /etc/hosts). Passing means: the chart's arguments parse, its
config files (sinks, detectors, specs), generated certificates, tokens and fingerprint key are
accepted, agents reach and authenticate to the collector at the Service name they are given,
and the probes' endpoint answers.

Needs root, APISENSOR_BIN and APISENSOR_COLLECTOR_BIN (set by CTest). Outside CI they are
skipped when missing; with CI=true they fail.
"""
import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
import yaml

from chart import NAMESPACE, VALUES_ALL, container, flag, render
from pod import Pod

AGENT_BIN = os.environ.get("APISENSOR_BIN", "")
COLLECTOR_BIN = os.environ.get("APISENSOR_COLLECTOR_BIN", "")
NODE = "chart-node"
# Bits of the capabilities the chart may add (linux/capability.h).
CAP_BITS = {"DAC_READ_SEARCH": 2, "SYS_PTRACE": 19, "SYS_ADMIN": 21, "SYS_RESOURCE": 24,
            "PERFMON": 38, "BPF": 39}


def need(condition, message):
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true forbids skipping)")
    pytest.skip(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, token=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return None, b""


class Process:
    """A started program with its combined output in a file."""

    def __init__(self, cmd, cwd, env=None):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, cwd=cwd, env=env)

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def wait_until(self, what, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"{what} did not happen; exit {self.proc.poll()}; log:\n{self.text()}")

    def stop(self, timeout=15):
        """SIGTERM, as the kubelet sends; the program must exit 0 within the grace period."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = "killed"
        assert code == 0, f"exit {code} after SIGTERM:\n{self.text()}"


def render_with_ports(values=(), sets=()):
    ports = {"agent": free_port(), "grpc": free_port(), "api": free_port()}
    m = render(values, sets=[*sets, f"agent.port={ports['agent']}",
                             f"collector.service.grpcPort={ports['grpc']}",
                             f"collector.service.apiPort={ports['api']}"])
    return m, ports


@contextlib.contextmanager
def collector_pod(m, name, tmp):
    """The collector Deployment's container, as its pod's user and group."""
    dep = m.get("Deployment", name)
    c = container(dep, "collector")
    security = dep["spec"]["template"]["spec"]["securityContext"]
    os.makedirs(tmp, exist_ok=True)
    os.chmod(tmp, 0o755)  # the pod's user must reach its volumes
    pod = Pod(m, dep, c, os.path.join(tmp, "collector"))
    argv = pod.argv()
    argv[0] = COLLECTOR_BIN
    user = ["setpriv", f"--reuid={security['runAsUser']}", f"--regid={security['runAsGroup']}",
            f"--groups={security['fsGroup']}", "--bounding-set=-all", "--inh-caps=-all", "--"]
    process = Process(user + argv, cwd=pod.root)
    try:
        process.wait_until("collector ready",
                           lambda: "apisensor-collector: ready" in process.text(), timeout=20)
        process.token = open(pod.local(flag(c, "api-token-file"))).read().strip()
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def agent_pod(m, name, tmp, port):
    """The DaemonSet's container as root with only the pod's capabilities, its collector's
    Service name resolving to this machine."""
    ds = m.get("DaemonSet", name)
    c = container(ds, "agent")
    caps = c["securityContext"]["capabilities"]["add"]
    host = flag(c, "collector").rsplit(":", 1)[0]
    pod = Pod(m, ds, c, os.path.join(tmp, "agent"))
    argv = pod.argv()
    argv[0] = AGENT_BIN
    hosts = os.path.join(tmp, "hosts")
    with open(hosts, "w") as f:
        f.write(f"127.0.0.1 localhost\n127.0.0.1 {host}\n")
    os.chmod(hosts, 0o644)
    bounding = ",".join(["-all"] + ["+" + cap.lower() for cap in caps])
    # A private mount namespace: the test's /etc/hosts is seen by the agent only.
    script = 'mount --bind "$0" /etc/hosts && exec "$@"'
    cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, hosts,
           "setpriv", f"--bounding-set={bounding}", "--inh-caps=-all", "--", *argv]
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "GRPC_DNS_RESOLVER": "native"}
    for e in c["env"]:
        if "valueFrom" in e:  # NODE_NAME, from the downward API: this "node"'s name
            assert e == {"name": "NODE_NAME",
                         "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}
            env["NODE_NAME"] = NODE
        else:
            env[e["name"]] = e["value"]
    process = Process(cmd, cwd=pod.root, env=env)
    try:
        process.wait_until("agent /healthz answering",
                           lambda: http_get(port, "/healthz")[0] == 200, timeout=40)
        process.caps = caps
        process.host = host
        process.token = open(pod.local(flag(c, "api-token-file"))).read().strip()
        yield process
    finally:
        process.stop()


def effective_capabilities(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    raise AssertionError("no CapEff")


def wait_connected(agent, collector, ports):
    def connected():
        status, body = http_get(ports["api"], "/v1/agents", collector.token)
        return status == 200 and any(a["agent_id"] == NODE and a["connected"]
                                     for a in json.loads(body)["agents"])

    agent.wait_until("agent connected at the collector", connected, timeout=30)


@pytest.fixture(scope="module")
def run():
    """Renders values-all.yaml (every sink, specs, detectors, filters, mutual TLS, PVC) with the
    default capabilities, certificates the chart generates and the webhook key given by value (so
    every file exists here); runs the collector and the agent; records what the tests check."""
    need(os.geteuid() == 0, "running the pods' processes as their users and the agent needs root")
    need(os.access(COLLECTOR_BIN, os.X_OK), "APISENSOR_COLLECTOR_BIN names no executable")
    need(os.access(AGENT_BIN, os.X_OK), "APISENSOR_BIN names no executable")
    with open(VALUES_ALL) as f:
        values = yaml.safe_load(f)
    values["collector"]["tls"]["source"] = "generate"
    values["agent"]["capabilities"]["extra"] = []
    values["exports"]["secrets"]["webhook-key"] = {"value": "hmac-key"}
    out = {}
    with tempfile.TemporaryDirectory(prefix="apisensor-chart-") as scratch:
        os.chmod(scratch, 0o755)  # the pods' non-root users must reach their volumes
        values_file = os.path.join(scratch, "values.yaml")
        with open(values_file, "w") as f:
            yaml.safe_dump(values, f)
        m, ports = render_with_ports([values_file])
        out.update(manifests=m, ports=ports)
        with collector_pod(m, "sensor-collector", os.path.join(scratch, "c")) as collector:
            api = ports["api"]
            out["collector_probe"] = http_get(api, "/healthz")[0]
            out["collector_no_token"] = http_get(api, "/v1/agents")[0]
            out["collector_token"] = collector.token
            os.mkdir(os.path.join(scratch, "a"))
            agent_dir = os.path.join(scratch, "a")
            with agent_pod(m, "sensor-agent", agent_dir, ports["agent"]) as agent:
                out["agent_caps"] = agent.caps
                out["agent_held"] = effective_capabilities(agent.proc.pid)
                out["agent_host"] = agent.host
                out["agent_token"] = agent.token
                out["agent_no_token"] = http_get(ports["agent"], "/v1/services")[0]
                out["agent_with_token"] = http_get(ports["agent"], "/v1/services", agent.token)[0]
                wait_connected(agent, collector, ports)
                out["openssl"] = openssl_as_agent(m, os.path.join(scratch, "o"), ports["grpc"])
            out["agent_log"] = agent.text()
        out["collector_log"] = collector.text()
    return out


def openssl_as_agent(m, scratch, port):
    """openssl's verdict on the collector's TLS, with the agent's CA, client certificate and the
    Service name the agent dials."""
    ds = m.get("DaemonSet", "sensor-agent")
    c = container(ds, "agent")
    files = Pod(m, ds, c, scratch)
    host = flag(c, "collector").rsplit(":", 1)[0]
    result = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", host,
         "-verify_hostname", host, "-verify_return_error",
         "-CAfile", files.local(flag(c, "collector-ca")),
         "-cert", files.local(flag(c, "collector-cert")),
         "-key", files.local(flag(c, "collector-key")), "-alpn", "h2", "-brief"],
        input=b"", capture_output=True, timeout=20)
    return result.returncode, result.stderr.decode(errors="replace")  # stdout: HTTP/2 frames


def test_collector_serves_its_probe_and_guards_its_api(run):
    assert run["collector_probe"] == 200  # /healthz, without a token
    assert run["collector_no_token"] == 401


def test_collector_starts_every_sink(run):
    for sink in ("splunk (splunk_hec)", "arcsight (syslog)", "soar (webhook)", "archive (file)"):
        assert f"exporting to sink {sink}" in run["collector_log"], run["collector_log"]


def test_collector_certificate_verifies_at_the_service_name(run):
    assert run["agent_host"] == f"sensor-collector.{NAMESPACE}.svc"
    code, report = run["openssl"]
    assert code == 0 and "Verification: OK" in report, report


def test_agent_holds_only_the_charts_capabilities_and_they_suffice(run):
    allowed = sum(1 << CAP_BITS[cap] for cap in run["agent_caps"])
    held = run["agent_held"]
    assert held & ~allowed == 0, f"agent holds {held:#x}, beyond {run['agent_caps']}"
    assert held & (1 << CAP_BITS["BPF"]) and held & (1 << CAP_BITS["PERFMON"])
    # Enough for the OpenSSL uprobes too (CAP_SYS_ADMIN on kernels that require it): no
    # library was refused for want of permission.
    assert "Permission denied" not in run["agent_log"], run["agent_log"]
    assert "apisensor: ready" in run["agent_log"]


def test_agent_api_wants_the_shared_token(run):
    assert run["agent_token"] == run["collector_token"]
    assert run["agent_no_token"] == 401 and run["agent_with_token"] == 200


def test_agent_streams_to_the_collector_service(run):
    grpc = run["ports"]["grpc"]
    assert f"streaming to collector {run['agent_host']}:{grpc} as agent {NODE}" in \
        run["agent_log"], run["agent_log"]


def test_agent_loads_the_specs_and_detector_config(run):
    log = run["agent_log"]
    assert "payments.json (payments 2, openapi-3.0, 1 operations) binds by its servers: " \
        "http://localhost:9090" in log, log


def test_agent_binds_a_spec_to_a_namespaced_service(run):
    assert "bound to service shop/orders" in run["agent_log"], run["agent_log"]
