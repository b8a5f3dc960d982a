"""The Helm chart, rendered by the real helm: what Kubernetes would be asked to run.

Each test renders the chart (default values, tests/helm/values-all.yaml with every sink and
option on, or a variation) and asserts on the parsed manifests: privilege, host mounts, probes,
RBAC, the address and credentials the agents use to reach the collector, the generated
certificates (checked with openssl), and that values.schema.json refuses bad values.
"""
import base64
import os
import subprocess
import tempfile

import pytest
import yaml

from chart import (CHART, NAMESPACE, VALUES_ALL, container, flag, flags, helm, mount_for,
                   pod_spec, render, render_fails, secret_source_of, volume)

AGENT = "t-apisensor-agent"
COLLECTOR = "t-apisensor-collector"
LEAST_CAPS = {"BPF", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE"}
# Linux requires CAP_SYS_ADMIN for uprobes (the TLS probes) since 2025: on by default.
DEFAULT_CAPS = LEAST_CAPS | {"SYS_ADMIN"}
HOST_PATHS = {"/sys/kernel/btf", "/sys/kernel/tracing", "/sys/fs/cgroup"}


@pytest.fixture(scope="module")
def default():
    return render()


@pytest.fixture(scope="module")
def everything():
    return render([VALUES_ALL])


def agent_of(m, name=AGENT):
    ds = m.get("DaemonSet", name)
    return ds, container(ds, "agent")


def collector_of(m, name=COLLECTOR):
    dep = m.get("Deployment", name)
    return dep, container(dep, "collector")


def secret_data(m, name, key):
    return base64.b64decode(m.get("Secret", name)["data"][key])


# helm lint

@pytest.mark.parametrize("values", [[], [VALUES_ALL]], ids=["default", "all-options"])
def test_lint_passes(values):
    args = ["lint", "--strict", CHART, "--namespace", NAMESPACE]
    for f in values:
        args += ["-f", f]
    result = helm(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


# The agent's privilege

def test_agent_runs_in_the_host_pid_namespace_as_root_with_only_its_capabilities(default):
    ds, c = agent_of(default)
    assert pod_spec(ds)["hostPID"] is True
    sc = c["securityContext"]
    assert sc["privileged"] is False
    assert sc["runAsUser"] == 0  # the agent refuses to start unless root
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert sorted(sc["capabilities"]["add"]) == sorted(DEFAULT_CAPS)
    assert "hostNetwork" not in pod_spec(ds)


def test_sys_admin_can_be_left_out():
    _, c = agent_of(render(sets=["agent.capabilities.sysAdmin=false"]))
    sc = c["securityContext"]
    assert sorted(sc["capabilities"]["add"]) == sorted(LEAST_CAPS)
    assert sc["allowPrivilegeEscalation"] is False and sc["privileged"] is False


def test_extra_capabilities_only_when_asked(everything):
    _, c = agent_of(everything, "sensor-agent")
    sc = c["securityContext"]
    assert sorted(sc["capabilities"]["add"]) == sorted(DEFAULT_CAPS | {"DAC_READ_SEARCH"})
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["privileged"] is False
    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}


def test_privileged_only_as_an_opt_in(default):
    _, c = agent_of(default)
    assert c["securityContext"]["privileged"] is False
    _, c = agent_of(render(sets=["agent.privileged=true"]))
    sc = c["securityContext"]
    assert sc["privileged"] is True
    assert "capabilities" not in sc and "allowPrivilegeEscalation" not in sc


def test_collector_runs_unprivileged(default):
    dep, c = collector_of(default)
    pod = pod_spec(dep)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert c["securityContext"]["allowPrivilegeEscalation"] is False


# Host mounts

def host_mounts(ds, c):
    """{host path: volumeMount} for every hostPath volume."""
    out = {}
    for v in pod_spec(ds)["volumes"]:
        if "hostPath" in v:
            out[v["hostPath"]["path"]] = next(
                m for m in c["volumeMounts"] if m["name"] == v["name"])
    return out


def test_host_mounts_are_read_only(default, everything):
    ds, c = agent_of(default)
    mounts = host_mounts(ds, c)
    assert set(mounts) == HOST_PATHS | {"/var/lib/apisensor"}
    for path in HOST_PATHS:
        assert mounts[path].get("readOnly") is True, path
    assert mounts["/sys/kernel/btf"]["mountPath"] == "/sys/kernel/btf"
    assert mounts["/sys/kernel/tracing"]["mountPath"] == "/sys/kernel/tracing"
    assert mounts["/sys/fs/cgroup"]["mountPath"] == "/host/sys/fs/cgroup"
    # The only writable host directory is the agent's own state.
    assert not mounts["/var/lib/apisensor"].get("readOnly")
    assert flag(c, "db").startswith("/var/lib/apisensor/")
    # No /proc mount: hostPID gives the node's /proc.
    assert not any(m["mountPath"].startswith("/host/proc") for m in c["volumeMounts"])

    ds, c = agent_of(everything, "sensor-agent")
    mounts = host_mounts(ds, c)
    assert set(mounts) == HOST_PATHS | {"/sys/kernel/debug"}  # state on an emptyDir
    for path, m in mounts.items():
        assert m.get("readOnly") is True, path
    assert mounts["/sys/fs/cgroup"]["mountPath"] == "/host/cgroup"


# Probes, identity, scheduling, resources

def test_probes_reach_the_agents_health_endpoint(default, everything):
    for m, name, port in [(default, AGENT, 9464), (everything, "sensor-agent", 19464)]:
        _, c = agent_of(m, name)
        assert flag(c, "listen") == f"0.0.0.0:{port}"
        assert {"name": "api", "containerPort": port, "protocol": "TCP"} in c["ports"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert c[probe]["httpGet"] == {"path": "/healthz", "port": "api"}, probe
        # Beyond loopback the agent demands a token: it gets one.
        assert flag(c, "api-token-file") == "/etc/apisensor/api/token"


def test_api_token_is_shared_by_agents_and_collector(default):
    ds, a = agent_of(default)
    dep, c = collector_of(default)
    assert secret_source_of(ds, a, flag(a, "api-token-file")) == ("t-apisensor-api", "token")
    assert secret_source_of(dep, c, flag(c, "api-token-file")) == ("t-apisensor-api", "token")
    assert len(secret_data(default, "t-apisensor-api", "token")) >= 32


def test_node_name_from_the_downward_api(default):
    _, c = agent_of(default)
    env = {e["name"]: e for e in c["env"]}
    assert env["NODE_NAME"]["valueFrom"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}


def test_tolerates_every_taint_and_has_resources(default):
    ds, c = agent_of(default)
    assert {"operator": "Exists"} in pod_spec(ds)["tolerations"]
    for kind in ("requests", "limits"):
        assert set(c["resources"][kind]) == {"cpu", "memory"}
    dep, cc = collector_of(default)
    for kind in ("requests", "limits"):
        assert set(cc["resources"][kind]) == {"cpu", "memory"}


def test_priority_class_option(default, everything):
    ds, _ = agent_of(default)
    assert "priorityClassName" not in pod_spec(ds)
    assert not default.has("PriorityClass")
    ds, _ = agent_of(everything, "sensor-agent")
    pc = everything.get("PriorityClass")
    assert pod_spec(ds)["priorityClassName"] == pc["metadata"]["name"]
    assert pc["value"] == 100000 and pc["globalDefault"] is False
    m = render(sets=["agent.priorityClass.name=system-node-critical"])
    ds, _ = agent_of(m)
    assert pod_spec(ds)["priorityClassName"] == "system-node-critical"
    assert not m.has("PriorityClass")


def test_capture_limits_and_filters(default, everything):
    _, c = agent_of(default)
    assert flag(c, "payload-cap") == "16384" and flag(c, "ring-mib") == "16"
    assert "port" not in flags(c) and "comm" not in flags(c)
    _, c = agent_of(everything, "sensor-agent")
    f = flags(c)
    assert f["payload-cap"] == ["8192"] and f["ring-mib"] == ["64"]
    assert f["tls-probes"] == ["public"] and f["retention-days"] == ["30"]
    assert f["port"] == ["8080", "8443"] and f["comm"] == ["nginx", "python3"]
    assert c["args"][-1] == "--ephemeral-key"  # extraArgs come last


# RBAC

def test_rbac_reads_pods_services_replicasets_jobs(default):
    role = default.get("ClusterRole", AGENT)
    granted = set()
    for rule in role["rules"]:
        assert sorted(rule["verbs"]) == ["get", "list", "watch"], rule
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                granted.add((group, resource))
    assert granted == {("", "pods"), ("", "services"), ("apps", "replicasets"), ("batch", "jobs")}
    binding = default.get("ClusterRoleBinding", AGENT)
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": AGENT}
    ds, _ = agent_of(default)
    sa = pod_spec(ds)["serviceAccountName"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa, "namespace": NAMESPACE}]
    assert default.has("ServiceAccount", sa)
    # The collector's account is bound to nothing.
    dep, _ = collector_of(default)
    collector_sa = pod_spec(dep)["serviceAccountName"]
    assert collector_sa != sa
    assert all(s["name"] != collector_sa for b in default.all("ClusterRoleBinding")
               for s in b["subjects"])


# Agents -> collector

def collector_address_from_service(m, dep, c, service_name):
    """host:port an agent must dial to reach `dep` through its Service."""
    svc = m.get("Service", service_name)
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in svc["spec"]["selector"].items())
    port = next(p for p in svc["spec"]["ports"] if p["name"] == "grpc")
    target = next(p for p in c["ports"] if p["name"] == port["targetPort"])
    assert flag(c, "grpc-listen") == f"0.0.0.0:{target['containerPort']}"
    return f"{service_name}.{NAMESPACE}.svc:{port['port']}"


@pytest.mark.parametrize("values,agent_name,collector_name", [
    ([], AGENT, COLLECTOR), ([VALUES_ALL], "sensor-agent", "sensor-collector")],
    ids=["default", "all-options"])
def test_agents_dial_the_collector_service(values, agent_name, collector_name):
    m = render(values)
    _, a = agent_of(m, agent_name)
    dep, c = collector_of(m, collector_name)
    assert flag(a, "collector") == collector_address_from_service(m, dep, c, collector_name)
    api = next(p for p in m.get("Service", collector_name)["spec"]["ports"] if p["name"] == "api")
    target = next(p for p in c["ports"] if p["name"] == api["targetPort"])
    assert flag(c, "listen") == f"0.0.0.0:{target['containerPort']}"


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], capture_output=True, text=True, input=stdin)


def test_generated_tls_lets_agents_verify_the_collector(default):
    ds, a = agent_of(default)
    dep, c = collector_of(default)
    host = flag(a, "collector").rsplit(":", 1)[0]
    ca_secret = secret_source_of(ds, a, flag(a, "collector-ca"))
    cert_secret = secret_source_of(dep, c, flag(c, "tls-cert"))
    key_secret = secret_source_of(dep, c, flag(c, "tls-key"))
    assert ca_secret == (f"{COLLECTOR}-tls", "ca.crt")
    assert cert_secret == (f"{COLLECTOR}-tls", "tls.crt")
    assert key_secret == (f"{COLLECTOR}-tls", "tls.key")
    # The agents' projection of that Secret holds the CA and nothing else (never the key).
    for source in volume(ds, mount_for(a, flag(a, "collector-ca"))["name"])["projected"]["sources"]:
        if source["secret"]["name"] == f"{COLLECTOR}-tls":
            assert source["secret"]["items"] == [{"key": "ca.crt", "path": "ca.crt"}]
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("ca.crt", "tls.crt", "tls.key"):
            with open(os.path.join(tmp, key), "wb") as f:
                f.write(secret_data(default, f"{COLLECTOR}-tls", key))
        verified = openssl("verify", "-CAfile", f"{tmp}/ca.crt", "-verify_hostname", host,
                           "-purpose", "sslserver", f"{tmp}/tls.crt")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        wrong = openssl("verify", "-CAfile", f"{tmp}/ca.crt", "-verify_hostname",
                        "other.sensors.svc", f"{tmp}/tls.crt")
        assert wrong.returncode != 0
        pub_cert = openssl("x509", "-in", f"{tmp}/tls.crt", "-noout", "-pubkey").stdout
        pub_key = openssl("pkey", "-in", f"{tmp}/tls.key", "-pubout").stdout
        assert pub_cert and pub_cert == pub_key
    # A bearer token on the stream too, the same Secret on both ends.
    token = secret_source_of(ds, a, flag(a, "collector-token-file"))
    assert token == secret_source_of(dep, c, flag(c, "token-file"))
    assert "collector-cert" not in flags(a) and "client-ca" not in flags(c)


def test_generated_mutual_tls(tmp_path):
    m = render(sets=["collector.tls.mutual=true"])
    ds, a = agent_of(m)
    dep, c = collector_of(m)
    client = f"{AGENT}-client-tls"
    assert secret_source_of(ds, a, flag(a, "collector-cert")) == (client, "tls.crt")
    assert secret_source_of(ds, a, flag(a, "collector-key")) == (client, "tls.key")
    assert secret_source_of(dep, c, flag(c, "client-ca")) == (client, "ca.crt")
    # The collector sees only the agents' CA, never their key.
    for source in volume(dep, "tls")["projected"]["sources"]:
        if source["secret"]["name"] == client:
            assert source["secret"]["items"] == [{"key": "ca.crt", "path": "client-ca.crt"}]
    for key in ("ca.crt", "tls.crt"):
        (tmp_path / key).write_bytes(secret_data(m, client, key))
    assert secret_data(m, client, "ca.crt") == secret_data(m, f"{COLLECTOR}-tls", "ca.crt")
    verified = openssl("verify", "-CAfile", str(tmp_path / "ca.crt"), "-purpose", "sslclient",
                       str(tmp_path / "tls.crt"))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_cert_manager_certificates(everything):
    ds, a = agent_of(everything, "sensor-agent")
    dep, c = collector_of(everything, "sensor-collector")
    certs = {x["metadata"]["name"]: x for x in everything.all("Certificate")}
    assert set(certs) == {"sensor-collector", "sensor-agent"}
    server, client = certs["sensor-collector"], certs["sensor-agent"]
    issuer = {"name": "corp-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"}
    assert server["spec"]["issuerRef"] == issuer and client["spec"]["issuerRef"] == issuer
    host = flag(a, "collector").rsplit(":", 1)[0]
    assert host in server["spec"]["dnsNames"]
    assert "server auth" in server["spec"]["usages"]
    assert "client auth" in client["spec"]["usages"]
    assert secret_source_of(dep, c, flag(c, "tls-cert"))[0] == server["spec"]["secretName"]
    assert secret_source_of(ds, a, flag(a, "collector-ca")) == (server["spec"]["secretName"],
                                                                "ca.crt")
    assert secret_source_of(ds, a, flag(a, "collector-cert"))[0] == client["spec"]["secretName"]
    assert secret_source_of(dep, c, flag(c, "client-ca")) == (client["spec"]["secretName"],
                                                             "ca.crt")
    # Nothing generated by Helm when cert-manager issues.
    assert not everything.has("Secret", "sensor-collector-tls")
    assert not everything.has("Issuer")


def test_cert_manager_bootstraps_its_own_ca_without_an_issuer():
    m = render(sets=["collector.tls.source=certManager"])
    issuers = {i["metadata"]["name"]: i["spec"] for i in m.all("Issuer")}
    assert issuers == {f"{COLLECTOR}-selfsigned": {"selfSigned": {}},
                       f"{COLLECTOR}-ca": {"ca": {"secretName": f"{COLLECTOR}-ca"}}}
    ca = m.get("Certificate", f"{COLLECTOR}-ca")["spec"]
    assert ca["isCA"] is True and ca["issuerRef"]["name"] == f"{COLLECTOR}-selfsigned"
    server = m.get("Certificate", COLLECTOR)["spec"]
    assert server["issuerRef"] == {"name": f"{COLLECTOR}-ca", "kind": "Issuer",
                                   "group": "cert-manager.io"}


def test_existing_tls_secrets():
    error = render_fails(sets=["collector.tls.source=secret"])
    assert "collector.tls.secretName is required" in error
    m = render(sets=["collector.tls.source=secret", "collector.tls.secretName=corp-tls",
                     "collector.tls.mutual=true", "collector.tls.clientSecretName=agents-tls"])
    ds, a = agent_of(m)
    dep, c = collector_of(m)
    assert secret_source_of(ds, a, flag(a, "collector-ca")) == ("corp-tls", "ca.crt")
    assert secret_source_of(ds, a, flag(a, "collector-key")) == ("agents-tls", "tls.key")
    assert secret_source_of(dep, c, flag(c, "tls-key")) == ("corp-tls", "tls.key")
    assert secret_source_of(dep, c, flag(c, "client-ca")) == ("agents-tls", "ca.crt")
    assert not any(s["type"] == "kubernetes.io/tls" for s in m.all("Secret"))


def test_plaintext_only_when_tls_is_off_and_never_with_a_token():
    error = render_fails(sets=["collector.tls.enabled=false"])
    assert "agents never send a token in clear" in error
    m = render(sets=["collector.tls.enabled=false", "collector.streamToken.enabled=false"])
    _, a = agent_of(m)
    _, c = collector_of(m)
    assert flags(a)["collector-insecure"] == [None] and "collector-ca" not in flags(a)
    assert flags(c)["insecure"] == [None] and "tls-cert" not in flags(c)


# Collector storage

def test_collector_store_on_a_claim_when_enabled(default, everything):
    dep, c = collector_of(default)
    assert flag(c, "db") == "/var/lib/apisensor/collector.db"
    assert "emptyDir" in volume(dep, mount_for(c, flag(c, "db"))["name"])
    assert not default.has("PersistentVolumeClaim")

    dep, c = collector_of(everything, "sensor-collector")
    pvc = everything.get("PersistentVolumeClaim", "sensor-collector")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert pvc["spec"]["storageClassName"] == "fast"
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    v = volume(dep, mount_for(c, flag(c, "db"))["name"])
    assert v["persistentVolumeClaim"] == {"claimName": "sensor-collector"}
    assert dep["spec"]["strategy"] == {"type": "Recreate"}  # one SQLite writer at a time

    m = render(sets=["collector.persistence.enabled=true",
                     "collector.persistence.existingClaim=old-store"])
    dep, c = collector_of(m)
    assert volume(dep, "data")["persistentVolumeClaim"] == {"claimName": "old-store"}
    assert not m.has("PersistentVolumeClaim")


# Configuration, specs and sinks

def configmap_file(m, workload, c, path):
    mnt = mount_for(c, path)
    name = volume(workload, mnt["name"])["configMap"]["name"]
    return m.get("ConfigMap", name)["data"][os.path.relpath(path, mnt["mountPath"])]


def test_default_has_no_sinks_specs_or_detector_config(default):
    ds, a = agent_of(default)
    dep, c = collector_of(default)
    for name in ("export-config", "detector-config", "spec", "collector-exchanges"):
        assert name not in flags(a), name
    assert "export-config" not in flags(c)
    assert not default.has("ConfigMap")


def test_specs_and_detectors(everything):
    ds, a = agent_of(everything, "sensor-agent")
    specs = flags(a)["spec"]
    assert specs == ["shop/orders=/etc/apisensor/specs/orders.yaml",
                     "/etc/apisensor/specs/payments.json"]
    orders = yaml.safe_load(configmap_file(everything, ds, a, "/etc/apisensor/specs/orders.yaml"))
    assert orders["info"]["title"] == "orders"
    payments = yaml.safe_load(
        configmap_file(everything, ds, a, "/etc/apisensor/specs/payments.json"))
    assert payments["servers"] == [{"url": "http://localhost:9090"}]
    detectors = yaml.safe_load(configmap_file(everything, ds, a, flag(a, "detector-config")))
    assert detectors["auth_failure_burst"] == {"failures": 50, "window_s": 120}
    # Specs are not in the checksum that restarts agents: the agent reloads them itself.
    m = render([VALUES_ALL], sets=["agent.specs.files[0].file=x.yaml",
                                   "agent.specs.files[0].content=openapi: 3.0.3"])
    assert (agent_of(m, "sensor-agent")[0]["spec"]["template"]["metadata"]["annotations"]
            ["checksum/config"] ==
            ds["spec"]["template"]["metadata"]["annotations"]["checksum/config"])


def test_every_sink_runs_at_the_collector_with_its_credentials(everything):
    values = yaml.safe_load(open(VALUES_ALL))
    ds, a = agent_of(everything, "sensor-agent")
    dep, c = collector_of(everything, "sensor-collector")
    exports = yaml.safe_load(configmap_file(everything, dep, c, flag(c, "export-config")))
    assert exports == {"finding_update_interval_s": 120, "sinks": values["exports"]["sinks"]}
    assert {s["type"] for s in exports["sinks"]} == {"splunk_hec", "syslog", "webhook", "file"}
    assert "export-config" not in flags(a)
    # A sink wants exchanges: the agents stream them.
    assert flags(a)["collector-exchanges"] == [None]
    # Credentials: the file each sink names is mounted from the right Secret, at the collector only.
    assert secret_source_of(dep, c, "/etc/apisensor/siem/hec-token") == ("sensor-siem",
                                                                        "hec-token")
    assert secret_source_of(dep, c, "/etc/apisensor/siem/webhook-key") == ("soar-hmac", "hmac")
    assert secret_data(everything, "sensor-siem", "hec-token") == \
        b"00000000-1111-2222-3333-444444444444"
    assert not any(m["mountPath"] == "/etc/apisensor/siem" for m in a["volumeMounts"])
    # The file sink writes to the collector's store volume.
    assert mount_for(c, "/var/lib/apisensor/findings.jsonl")["name"] == "data"


def test_sinks_on_the_agents():
    m = render([VALUES_ALL], sets=["exports.runOn=agent"])
    ds, a = agent_of(m, "sensor-agent")
    dep, c = collector_of(m, "sensor-collector")
    exports = yaml.safe_load(configmap_file(m, ds, a, flag(a, "export-config")))
    assert len(exports["sinks"]) == 4
    assert "export-config" not in flags(c)
    assert "collector-exchanges" not in flags(a)
    assert secret_source_of(ds, a, "/etc/apisensor/siem/hec-token") == ("sensor-siem", "hec-token")
    assert not any(m["mountPath"] == "/etc/apisensor/siem" for m in c["volumeMounts"])


def test_sinks_at_a_disabled_collector_are_refused():
    error = render_fails(sets=["collector.enabled=false"])
    assert "exports.runOn is collector but collector.enabled is false" in error
    m = render(sets=["collector.enabled=false", "exports.runOn=agent"])
    _, a = agent_of(m)
    assert "collector" not in flags(a)
    assert not m.has("Deployment") and not m.has("Service")


def test_fingerprint_key_is_one_private_file_shared_by_every_node(default):
    ds, a = agent_of(default)
    path = flag(a, "fingerprint-key")
    mnt = mount_for(a, path)
    # The agent refuses a symlink (how Secret volumes show files) and a key others can read.
    assert mnt["mountPath"] == path and mnt["subPath"] == "key"
    v = volume(ds, mnt["name"])
    assert v["secret"]["defaultMode"] == 0o400
    assert len(secret_data(default, v["secret"]["secretName"], "key")) == 32
    assert "fsGroup" not in pod_spec(ds).get("securityContext", {})


# values.schema.json

@pytest.mark.parametrize("bad", [
    ("set-string", "collector.service.grpcPort=4317"),
    ("set-string", "agent.port=http"),
    ("set", "agent.port=70000"),
    ("set", "agent.capture.ringMib=3"),
    ("set", "agent.capture.payloadCap=0"),
    ("set", "agent.capture.tlsProbes=sometimes"),
    ("set", "agent.typo=1"),
    ("set", "collector.tls.source=selfsigned"),
    ("set", "exports.sinks[0].type=kafka"),
    ("set", "agent.specs.files[0].file=a/b.yaml"),
    ("set", "agent.storage.type=pvc"),
], ids=lambda b: b[1])
def test_schema_refuses_bad_values(bad):
    kind, value = bad
    result = helm("template", "t", CHART, f"--{kind}", value)
    assert result.returncode != 0, f"helm template accepted {value}"
    assert "don't meet the specifications of the schema" in result.stderr, result.stderr


def test_lint_applies_the_schema():
    result = helm("lint", CHART, "--set-string", "collector.service.grpcPort=4317")
    assert result.returncode != 0
    assert "grpcPort: Invalid type. Expected: integer, given: string" in result.stdout


# NOTES.txt

def rendered_notes(tmp_path, *sets):
    """NOTES.txt as `helm install` prints it: rendered through a copy of the chart whose extra
    template exposes it in a ConfigMap (helm template itself never prints the notes)."""
    import shutil
    chart = tmp_path / "apisensor"
    shutil.copytree(CHART, chart)
    (chart / "templates" / "zz-notes.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n"
        'data: {notes: {{ include "apisensor/templates/NOTES.txt" . | toJson }}}\n')
    args = ["template", "t", str(chart), "--namespace", NAMESPACE]
    for s in sets:
        args += ["--set", s]
    result = helm(*args)
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    return next(d for d in docs if d["metadata"]["name"] == "notes")["data"]["notes"]


def test_notes_tell_how_to_query_the_inventory(tmp_path, default):
    notes = rendered_notes(tmp_path, "collector.service.apiPort=9400")
    svc = default.get("Service", COLLECTOR)
    assert f"kubectl -n {NAMESPACE} port-forward service/{svc['metadata']['name']} 9400:9400" \
        in notes
    assert "apisensor endpoints --server 127.0.0.1:9400" in notes
    assert f"get secret t-apisensor-api -o jsonpath='{{.data.token}}'" in notes
    assert "WARNING" not in notes
    notes = rendered_notes(tmp_path / "b", "agent.privileged=true")
    assert "WARNING: agent.privileged is true" in notes
