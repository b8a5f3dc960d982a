"""Runs a rendered pod's container as a local process, the way the kubelet would set it up.

Every volumeMount of the container is materialised under a scratch root from the rendered
manifests (Secret and ConfigMap items with their modes, subPath files, projected sources,
fsGroup ownership; emptyDir, PVC and writable hostPath volumes as scratch directories), and each
argument naming a path on a volume is rewritten to the scratch copy, and so is each such path
written in a ConfigMap file (the export config names its credential files). Read-only hostPath
mounts stay the real host paths: the agent reads this machine's /sys. An argument naming a path
that is on no volume fails the test: the pod would not find it either.
"""
import base64
import os
import re

from chart import pod_spec


class Pod:
    def __init__(self, manifests, workload, container, root):
        self.m = manifests
        self.workload = workload
        self.c = container
        self.root = root
        self.mounts = {}  # mountPath -> local path
        self.config_files = []  # local copies of ConfigMap files
        security = pod_spec(workload).get("securityContext", {})
        self.fs_group = security.get("fsGroup")
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o755)
        for m in container.get("volumeMounts", []):
            self._mount(m)
        for path in self.config_files:
            self._relocate_paths_in(path)

    def _volume(self, name):
        return next(v for v in pod_spec(self.workload)["volumes"] if v["name"] == name)

    def _object_data(self, kind, name):
        obj = self.m.get(kind, name)
        if kind == "Secret":
            return {k: base64.b64decode(v) for k, v in obj.get("data", {}).items()}
        return {k: v.encode() for k, v in obj.get("data", {}).items()}

    def _files(self, volume):
        """{relative path: (bytes, mode)} of a Secret, ConfigMap or projected volume."""
        if "projected" in volume:
            default = volume["projected"].get("defaultMode", 0o644)
            sources = volume["projected"]["sources"]
        else:
            kind = "secret" if "secret" in volume else "configMap"
            default = volume[kind].get("defaultMode", 0o644)
            sources = [{kind: volume[kind]}]
        files = {}
        for source in sources:
            kind, ref = next(iter(source.items()))
            name = ref.get("name") or ref.get("secretName")
            data = self._object_data("Secret" if kind == "secret" else "ConfigMap", name)
            items = ref.get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                files[item["path"]] = (data[item["key"]], item.get("mode", default),
                                       kind == "configMap")
        return files

    def _relocate_paths_in(self, path):
        """Rewrites absolute paths under this pod's mounts (not the host's /sys) in a file."""
        with open(path) as f:
            text = f.read()
        mounts = [mp for mp in self.mounts if self.mounts[mp] != mp]

        def relocate(match):
            p = match.group(0)
            on_volume = any(p == mp or p.startswith(mp.rstrip("/") + "/") for mp in mounts)
            return self.local(p) if on_volume else p

        with open(path, "w") as f:
            f.write(re.sub(r"(?<![\w.:/])/[^\s'\",}\]]+", relocate, text))

    def _write(self, path, content, mode):
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        if self.fs_group is not None:
            os.chown(path, 0, self.fs_group)
        os.chmod(path, mode)

    def _scratch_dir(self, name):
        path = os.path.join(self.root, "volumes", name)
        os.makedirs(path, exist_ok=True)
        if self.fs_group is not None:
            os.chown(path, 0, self.fs_group)
            os.chmod(path, 0o2775)
        else:
            os.chmod(path, 0o755)
        return path

    def _mount(self, m):
        v = self._volume(m["name"])
        target = m["mountPath"]
        if "hostPath" in v:
            if m.get("readOnly"):
                self.mounts[target] = v["hostPath"]["path"]  # the real host directory
            else:
                self.mounts[target] = self._scratch_dir(m["name"])
            return
        if "emptyDir" in v or "persistentVolumeClaim" in v:
            self.mounts[target] = self._scratch_dir(m["name"])
            return
        files = self._files(v)
        local = os.path.join(self.root, "mounts", target.lstrip("/"))
        if "subPath" in m:
            content, mode, config = files[m["subPath"]]
            self._write(local, content, mode)
            if config:
                self.config_files.append(local)
        else:
            os.makedirs(local, mode=0o755, exist_ok=True)
            for rel, (content, mode, config) in files.items():
                self._write(os.path.join(local, rel), content, mode)
                if config:
                    self.config_files.append(os.path.join(local, rel))
        self.mounts[target] = local

    def local(self, path):
        """The local copy of a path in the container."""
        holding = [mp for mp in self.mounts
                   if path == mp or path.startswith(mp.rstrip("/") + "/")]
        best = max(holding, key=len, default=None)
        assert best is not None, f"{path} (an argument of {self.c['name']}) is on no volume"
        return self.mounts[best] + path[len(best):]

    def argv(self):
        """command + args with every path on a volume replaced by its local copy."""
        out = []
        for arg in self.c.get("command", []) + self.c.get("args", []):
            head, sep, value = arg.rpartition("=")
            if sep and value.startswith("/"):
                arg = head + sep + self.local(value)
            out.append(arg)
        return out
