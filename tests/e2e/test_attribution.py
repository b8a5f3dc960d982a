"""Container and pod attribution end to end: real cgroup v2 directories shaped like each
runtime's pod cgroups, a real server (python3 http.server) moved into each, the real agent
(`apisensor trace`, host mode: no Kubernetes API) and real requests with curl.

Each exchange must carry exactly its server's container id and pod UID (`k8s` in the JSON), read
from the cgroup id the kernel stamped on its events; a server outside any container must have
no `k8s` at all. The cgroups live under a private directory of the cgroup2 mount, so nothing on
the host (or a concurrent run) is touched, and are removed afterwards with every process moved
back out.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import AGENT, HERE, PYTHON, curl, free_port, wait_for_port

UID = "3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b"
UID_ = UID.replace("-", "_")  # the systemd driver's spelling inside slice names
STATIC_UID = "5ad1b3e1f0c24d6e8a9b7c6d5e4f3a2b"  # a static pod's manifest hash


def container_id(n):
    return hashlib.sha256(f"container {n}".encode()).hexdigest()  # 64 lower-case hex, as runtimes


# (name, path below the private root, expected k8s object)
SHAPES = [
    ("containerd-systemd",
     f"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice/"
     f"cri-containerd-{container_id(1)}.scope",
     {"container_id": container_id(1), "pod_uid": UID}),
    ("crio-systemd",
     f"kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice/"
     f"crio-{container_id(2)}.scope",
     {"container_id": container_id(2), "pod_uid": UID}),
    ("docker-cgroupfs",
     f"kubepods/pod{STATIC_UID}/{container_id(3)}",
     {"container_id": container_id(3), "pod_uid": STATIC_UID}),
    ("plain-docker",
     f"docker/{container_id(4)}",
     {"container_id": container_id(4)}),
]


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        mounts = [line.split() for line in f]
    found = [m[4] for m in mounts if "-" in m and m[m.index("-") + 1] == "cgroup2"]
    if not found:
        pytest.fail("no cgroup2 file system is mounted: attribution cannot be tested")
    return found[0]


class Cgroups:
    """Directories under <mount>/apisensor-e2e-<pid>; remove() moves processes out, then rmdirs."""

    def __init__(self):
        self.mount = cgroup2_mount()
        self.root = os.path.join(self.mount, f"apisensor-e2e-{os.getpid()}")
        self.created = []

    def make(self, relative):
        parts = relative.split("/")
        paths = [os.path.join(self.root, *parts[:i]) for i in range(len(parts) + 1)]
        for path in paths:
            if not os.path.isdir(path):
                os.mkdir(path)
                self.created.append(path)
        return paths[-1]

    def enter(self, path, pid):
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(pid))

    def remove(self):
        for path in reversed(self.created):
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    pids = f.read().split()
            except OSError:
                pids = []
            for pid in pids:
                try:
                    self.enter(self.mount, pid)
                except OSError:
                    pass  # exited meanwhile
            deadline = time.time() + 5
            while True:
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.02)
        self.created = []


@pytest.fixture
def cgroups():
    c = Cgroups()
    try:
        yield c
    finally:
        c.remove()


@pytest.fixture
def servers():
    """Starts python3 http.server processes on demand; kills them at the end."""
    docroot = tempfile.mkdtemp(prefix="apisensor-attr-")
    with open(os.path.join(docroot, "index.json"), "w") as f:
        f.write('{"ok":true}')
    procs = []

    def start():
        port = free_port()
        proc = subprocess.Popen([PYTHON, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                 "--directory", docroot],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        return proc, port

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()
    shutil.rmtree(docroot, ignore_errors=True)


def test_exchanges_carry_their_containers_id_and_pod_uid(start_agent, cgroups, servers):
    started = []
    for name, relative, want in SHAPES:
        proc, port = servers()
        path = cgroups.make(relative)
        started.append((name, path, want, proc, port))
    control, control_port = servers()  # stays in the test's own cgroup
    for _, _, _, _, port in started:
        wait_for_port(port, "python3 http.server")
    wait_for_port(control_port, "python3 http.server")
    for _, path, _, proc, _ in started:
        cgroups.enter(path, proc.pid)
        with open(f"/proc/{proc.pid}/cgroup") as f:
            assert f"0::{path[len(cgroups.mount):]}\n" in f.read()

    ports = [str(p) for _, _, _, _, p in started] + [str(control_port)]
    agent = start_agent(*[arg for p in ports for arg in ("--port", p)])
    for _, _, _, _, port in started:
        for _ in range(2):
            assert curl(f"http://127.0.0.1:{port}/index.json") == "200"
    assert curl(f"http://127.0.0.1:{control_port}/index.json") == "200"
    exchanges, counters = agent.stop()

    by_port = {}
    for ex in exchanges:
        by_port.setdefault(ex["local"]["port"], []).append(ex)
    assert sorted(by_port) == sorted(int(p) for p in ports), exchanges
    for name, path, want, proc, port in started:
        got = by_port[port]
        assert len(got) == 2, (name, got)
        for ex in got:
            assert ex["role"] == "server" and ex["pid"] == proc.pid, (name, ex)
            assert ex["cgroup_id"] == os.stat(path).st_ino, name
            assert ex["k8s"] == want, name
    control_exchanges = by_port[control_port]
    assert len(control_exchanges) == 1
    assert "k8s" not in control_exchanges[0]
    assert counters["exchanges_reported"] == 2 * len(SHAPES) + 1


CHECKOUT_UID = "0b7c2f5e-3a41-4c55-9d0e-6f1a2b3c4d5e"  # shop/checkout-7d4b9c8f6d-x2k9p, node-a


def test_in_a_cluster_exchanges_and_services_read_namespace_workload(cgroups, servers, tls_cert,
                                                                     tmp_path):
    """The real agent in cluster mode: KUBERNETES_SERVICE_HOST points at a local HTTPS server
    replaying recorded API responses, the service-account files sit where Kubernetes mounts them
    (in a private mount namespace), and a real server runs in the cgroup of the recorded pod
    shop/checkout (ReplicaSet → Deployment checkout)."""
    cert, key = tls_cert
    api = subprocess.Popen([PYTHON, os.path.join(HERE, "servers", "fake_kube_api.py"), cert, key,
                            "sa-token-1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    agent = None
    try:
        api_port = int(api.stdout.readline())
        proc, port = servers()
        path = cgroups.make(
            "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            f"{CHECKOUT_UID.replace('-', '_')}.slice/cri-containerd-{container_id(9)}.scope")
        wait_for_port(port, "python3 http.server")
        cgroups.enter(path, proc.pid)

        account = tmp_path / "serviceaccount"
        account.mkdir()
        (account / "token").write_text("sa-token-1")
        (account / "namespace").write_text("apisensor")
        shutil.copy(cert, account / "ca.crt")
        listen = f"127.0.0.1:{free_port()}"
        exchanges_file = tmp_path / "exchanges.jsonl"
        mounted = "/run/secrets/kubernetes.io/serviceaccount"
        script = (f"mount -t tmpfs tmpfs /run && mkdir -p {mounted} && "
                  f"cp {account}/* {mounted}/ && exec \"$@\"")
        env = dict(os.environ, KUBERNETES_SERVICE_HOST="127.0.0.1",
                   KUBERNETES_SERVICE_PORT=str(api_port), NODE_NAME="node-a")
        agent_log = tempfile.TemporaryFile(mode="w+")
        agent = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", AGENT,
             "run", "--ephemeral-key", "--db", "", "--listen", listen, "--port", str(port),
             "--print-exchanges"],
            env=env, stdout=open(exchanges_file, "w"), stderr=agent_log)

        def metric(name):
            try:
                with urllib.request.urlopen(f"http://{listen}/metrics", timeout=2) as r:
                    for line in r.read().decode().splitlines():
                        if line.startswith(f"apisensor_{name} "):
                            return int(float(line.split()[-1]))
            except OSError:
                return None
            return None

        deadline = time.time() + 30
        while metric('k8s_synced{watch="local_pods"}') != 1:
            agent_log.seek(0)
            assert agent.poll() is None and time.time() < deadline, agent_log.read()
            time.sleep(0.1)
        for _ in range(3):
            assert curl(f"http://127.0.0.1:{port}/index.json") == "200"
        # A credential in the URL: a finding about shop/checkout, called from the host.
        assert curl(f"http://127.0.0.1:{port}/index.json?api_key=sk_live_0123456789abcdef") == "200"

        def get(path):
            with urllib.request.urlopen(f"http://{listen}{path}", timeout=2) as r:
                return json.loads(r.read())
        deadline = time.time() + 15
        while time.time() < deadline and not (
                [s["name"] for s in get("/v1/services")["services"]] == ["shop/checkout"]
                and get("/v1/findings")["findings"]):
            time.sleep(0.2)
        workload = {"namespace": "shop", "workload": "checkout", "workload_kind": "Deployment"}
        [service] = get("/v1/services")["services"]
        assert service["name"] == "shop/checkout" and service["k8s"] == workload, service
        endpoints = get("/v1/endpoints")["endpoints"]
        assert [(e["method"], e["path"]) for e in endpoints] == [("GET", "/index.json")], endpoints
        assert endpoints[0]["k8s"] == workload, endpoints
        [finding] = get("/v1/findings")["findings"]
        assert finding["type"] == "credential_in_url" and finding["k8s"] == workload, finding
        assert finding["caller"] == "127.0.0.1" and "caller_k8s" not in finding, finding
    finally:
        if agent is not None:
            agent.send_signal(signal.SIGINT)
            assert agent.wait(timeout=30) == 0
        api.kill()
        api.wait()

    exchanges = [json.loads(line) for line in exchanges_file.read_text().splitlines()]
    assert len(exchanges) == 4, exchanges
    for ex in exchanges:
        assert ex["k8s"] == {"container_id": container_id(9), "pod_uid": CHECKOUT_UID,
                             "namespace": "shop", "pod": "checkout-7d4b9c8f6d-x2k9p",
                             "workload": "checkout", "workload_kind": "Deployment"}, ex
    # The agent asked for its node's pods with its service account's token.
    requests = api.stderr.read()
    assert "fieldSelector=spec.nodeName%3Dnode-a" in requests, requests
