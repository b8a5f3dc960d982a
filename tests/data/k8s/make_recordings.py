#!/usr/bin/python3
# Writes the Kubernetes API responses in this folder (see README.md). Run it again after editing.
import json, os, copy
OUT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT, exist_ok=True)

def managed(manager, op, t):
    return {"manager": manager, "operation": op, "apiVersion": "v1", "time": t,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}}}, "f:spec": {}}}

def pod(name, ns, uid, rv, node, ip, labels, owner=None, sa="default", host_network=False,
        phase="Running", image="registry.example.com/app:1.0", created="2024-05-02T09:14:07Z",
        port=8080, extra_status=None):
    meta = {"name": name, "namespace": ns, "uid": uid, "resourceVersion": rv,
            "creationTimestamp": created, "labels": labels,
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T12:00:00Z"} if owner and owner[0] == "ReplicaSet" else {},
            "managedFields": [managed("kube-controller-manager", "Update", created),
                              managed("kubelet", "Update", created)]}
    if owner:
        kind, oname, ouid = owner
        api = {"ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1"}[kind]
        meta["ownerReferences"] = [{"apiVersion": api, "kind": kind, "name": oname, "uid": ouid,
                                    "controller": True, "blockOwnerDeletion": True}]
        meta["generateName"] = name.rsplit("-", 1)[0] + "-"
    if not meta["annotations"]:
        del meta["annotations"]
    container = name.split("-")[0]
    spec = {"volumes": [{"name": "kube-api-access-" + uid[:5], "projected": {"sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}],
                "defaultMode": 420}}],
            "containers": [{"name": container, "image": image,
                            "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
                            "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                            "volumeMounts": [{"name": "kube-api-access-" + uid[:5], "readOnly": True,
                                              "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                            "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "OnFailure" if owner and owner[0] == "Job" else "Always",
            "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": sa, "serviceAccount": sa, "nodeName": node,
            "securityContext": {}, "schedulerName": "default-scheduler",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"}
    if host_network:
        spec["hostNetwork"] = True
    status = {"phase": phase, "conditions": [
                {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": created},
                {"type": "Ready", "status": "True" if phase == "Running" else "False", "lastProbeTime": None, "lastTransitionTime": created},
                {"type": "ContainersReady", "status": "True" if phase == "Running" else "False", "lastProbeTime": None, "lastTransitionTime": created},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": created}],
              "hostIP": "192.168.49.2" if node == "node-a" else "192.168.49.3",
              "qosClass": "Burstable", "startTime": created}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    if phase != "Pending":
        status["containerStatuses"] = [{"name": container, "state": {"running": {"startedAt": created}} if phase == "Running" else
                                        {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": created, "finishedAt": created}},
                                        "lastState": {}, "ready": phase == "Running", "restartCount": 0, "image": image,
                                        "imageID": "registry.example.com/app@sha256:" + "4f" * 32,
                                        "containerID": "containerd://" + ("%064x" % (int(uid.replace('-', '')[:12], 16))),
                                        "started": phase == "Running"}]
    if extra_status:
        status.update(extra_status)
    return {"metadata": meta, "spec": spec, "status": status}

def with_kind(obj, kind="Pod", api="v1"):
    o = {"kind": kind, "apiVersion": api}
    o.update(obj)
    return o

def podlist(items, rv, cont=None, remaining=None):
    meta = {"resourceVersion": rv}
    if cont:
        meta["continue"] = cont
        meta["remainingItemCount"] = remaining
    return {"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": items}

def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")

def event(typ, obj):
    return json.dumps({"type": typ, "object": obj}, separators=(",", ":"))

# ---- this node's pods (node-a)
checkout = pod("checkout-7d4b9c8f6d-x2k9p", "shop", "0b7c2f5e-3a41-4c55-9d0e-6f1a2b3c4d5e", "48011", "node-a", "10.244.1.12",
               {"app": "checkout", "pod-template-hash": "7d4b9c8f6d", "tier": "web"},
               ("ReplicaSet", "checkout-7d4b9c8f6d", "5e2d1c0b-9a87-4654-3210-fedcba987654"), sa="checkout")
orders = pod("orders-db-0", "shop", "1c8d3a6f-4b52-4d66-8e1f-7a2b3c4d5e6f", "48020", "node-a", "10.244.1.13",
             {"app": "orders-db", "controller-revision-hash": "orders-db-6c9b8d7f5", "statefulset.kubernetes.io/pod-name": "orders-db-0"},
             ("StatefulSet", "orders-db", "6f3e2d1c-0b98-4765-4321-0fedcba98765"), sa="orders-db", port=5432)
exporter = pod("node-exporter-5xq7z", "monitoring", "2d9e4b7a-5c63-4e77-9f2a-8b3c4d5e6f7a", "48030", "node-a", "192.168.49.2",
               {"app.kubernetes.io/name": "node-exporter", "controller-revision-hash": "7b6c5d4e3f", "pod-template-generation": "1"},
               ("DaemonSet", "node-exporter", "7a4f3e2d-1c09-4876-5432-10fedcba9876"), sa="node-exporter", host_network=True, port=9100)
report = pod("report-28467120-abcde", "batch", "3e0f5c8b-6d74-4f88-a03b-9c4d5e6f7a8b", "48040", "node-a", "10.244.1.20",
             {"batch.kubernetes.io/controller-uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987", "batch.kubernetes.io/job-name": "report-28467120",
              "controller-uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987", "job-name": "report-28467120"},
             ("Job", "report-28467120", "8b5a4f3e-2d1c-4987-6543-210fedcba987"), sa="report", phase="Succeeded")
debug = pod("debug-shell", "default", "4f1a6d9c-7e85-4a99-b14c-ad5e6f7a8b9c", "48050", "node-a", "10.244.1.30",
            {"run": "debug-shell"}, None, sa="default")
write("node_pods_page1.json", podlist([checkout, orders, exporter], "48213",
      cont="eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0IjoibW9uaXRvcmluZy9ub2RlLWV4cG9ydGVyLTV4cTd6XHUwMDAwIn0", remaining=2))
write("node_pods_page2.json", podlist([report, debug], "48213"))

# ReplicaSet and Job GETs (owner chain)
def rs(name, ns, uid, owner, hash_):
    meta = {"name": name, "namespace": ns, "uid": uid, "resourceVersion": "47001", "generation": 1,
            "creationTimestamp": "2024-05-02T09:14:05Z", "labels": {"app": name.rsplit("-", 1)[0] if hash_ else name, **({"pod-template-hash": hash_} if hash_ else {})},
            "annotations": {"deployment.kubernetes.io/desired-replicas": "2", "deployment.kubernetes.io/max-replicas": "3", "deployment.kubernetes.io/revision": "4"} if owner else {},
            "managedFields": [managed("kube-controller-manager", "Update", "2024-05-02T09:14:05Z")]}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner[0], "uid": owner[1], "controller": True, "blockOwnerDeletion": True}]
    if not meta["annotations"]:
        del meta["annotations"]
    sel = {"app": meta["labels"]["app"]}
    if hash_:
        sel["pod-template-hash"] = hash_
    return {"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": meta,
            "spec": {"replicas": 2, "selector": {"matchLabels": sel},
                     "template": {"metadata": {"creationTimestamp": None, "labels": sel},
                                  "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.0", "resources": {}}],
                                           "restartPolicy": "Always"}}},
            "status": {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2, "observedGeneration": 1}}
write("replicaset_checkout.json", rs("checkout-7d4b9c8f6d", "shop", "5e2d1c0b-9a87-4654-3210-fedcba987654",
                                     ("checkout", "9c6b5a4f-3e2d-4198-7654-3210fedcba98"), "7d4b9c8f6d"))
write("replicaset_legacy_api.json", rs("legacy-api", "shop", "ad7c6b5a-4f3e-4209-8765-43210fedcba9", None, None))
write("replicaset_payments.json", rs("payments-6f9c7b5d4", "shop", "be8d7c6b-5a4f-4310-9876-543210fedcba",
                                     ("payments", "cf9e8d7c-6b5a-4421-a987-6543210fedcb"), "6f9c7b5d4"))
write("job_report.json", {"kind": "Job", "apiVersion": "batch/v1", "metadata": {
    "name": "report-28467120", "namespace": "batch", "uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987", "resourceVersion": "48041",
    "generation": 1, "creationTimestamp": "2024-05-02T10:00:00Z",
    "labels": {"batch.kubernetes.io/controller-uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987", "batch.kubernetes.io/job-name": "report-28467120",
               "controller-uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987", "job-name": "report-28467120"},
    "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": "2024-05-02T10:00:00Z", "batch.kubernetes.io/job-tracking": ""},
    "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "report", "uid": "d0af9e8d-7c6b-4532-ba98-76543210fedc", "controller": True, "blockOwnerDeletion": True}],
    "managedFields": [managed("kube-controller-manager", "Update", "2024-05-02T10:00:00Z")]},
    "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
             "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "8b5a4f3e-2d1c-4987-6543-210fedcba987"}},
             "template": {"metadata": {"creationTimestamp": None, "labels": {"job-name": "report-28467120"}},
                          "spec": {"containers": [{"name": "report", "image": "registry.example.com/report:2.1", "resources": {}}], "restartPolicy": "OnFailure"}}},
    "status": {"startTime": "2024-05-02T10:00:00Z", "completionTime": "2024-05-02T10:00:41Z", "succeeded": 1,
               "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": "2024-05-02T10:00:41Z", "lastTransitionTime": "2024-05-02T10:00:41Z"}],
               "uncountedTerminatedPods": {}, "ready": 0}})

# ---- watch of this node's pods, step 1: payments pod added (pending), then running with an IP; a bookmark
payments_pending = pod("payments-6f9c7b5d4-q8w2e", "shop", "5a2b7e0d-8f96-4baa-c25d-be6f7a8b9c0d", "48250", "node-a", None,
                       {"app": "payments", "pod-template-hash": "6f9c7b5d4"},
                       ("ReplicaSet", "payments-6f9c7b5d4", "be8d7c6b-5a4f-4310-9876-543210fedcba"), sa="payments", phase="Pending")
payments_running = pod("payments-6f9c7b5d4-q8w2e", "shop", "5a2b7e0d-8f96-4baa-c25d-be6f7a8b9c0d", "48262", "node-a", "10.244.1.40",
                       {"app": "payments", "pod-template-hash": "6f9c7b5d4", "version": "v2"},
                       ("ReplicaSet", "payments-6f9c7b5d4", "be8d7c6b-5a4f-4310-9876-543210fedcba"), sa="payments")
bookmark = {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "48300", "creationTimestamp": None},
            "spec": {"containers": None}, "status": {}}
with open(os.path.join(OUT, "watch_node_pods_1.jsonl"), "w") as f:
    f.write(event("ADDED", with_kind(payments_pending)) + "\n")
    f.write(event("MODIFIED", with_kind(payments_running)) + "\n")
    f.write(event("BOOKMARK", bookmark) + "\n")
# step 2: the debug pod deleted (terminated first)
debug_deleted = copy.deepcopy(debug)
debug_deleted["metadata"]["resourceVersion"] = "48310"
debug_deleted["metadata"]["deletionTimestamp"] = "2024-05-02T11:02:00Z"
debug_deleted["metadata"]["deletionGracePeriodSeconds"] = 0
with open(os.path.join(OUT, "watch_node_pods_2.jsonl"), "w") as f:
    f.write(event("DELETED", with_kind(debug_deleted)) + "\n")
# step 3: the resource version is too old
with open(os.path.join(OUT, "watch_error_410.jsonl"), "w") as f:
    f.write(event("ERROR", {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": "too old resource version: 48310 (48450)", "reason": "Expired", "code": 410}) + "\n")
# the relist after 410: report pod gone (job cleaned up), legacy-api pod added (bare ReplicaSet)
legacy = pod("legacy-api-h7k2m", "shop", "6b3c8f1e-9a07-4cbb-d36e-cf7a8b9c0d1e", "48440", "node-a", "10.244.1.41",
             {"app": "legacy-api"}, ("ReplicaSet", "legacy-api", "ad7c6b5a-4f3e-4209-8765-43210fedcba9"), sa="default")
write("node_pods_relist.json", podlist([checkout, orders, exporter, payments_running, legacy], "48500"))
# HTTP 410 on a watch (the API server's Status body)
write("status_410.json", {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": "too old resource version: 48500 (48700)", "reason": "Expired", "code": 410})
write("status_403_services.json", {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
      "message": "services is forbidden: User \"system:serviceaccount:apisensor:apisensor\" cannot list resource \"services\" in API group \"\" at the cluster scope",
      "reason": "Forbidden", "details": {"kind": "services"}, "code": 403})
write("status_401.json", {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": "Unauthorized", "reason": "Unauthorized", "code": 401})

# ---- services
def svc(name, ns, uid, rv, ip, ips=None, ports=((80, 8080),), typ="ClusterIP", selector=None):
    spec = {"ports": [{"name": "http", "protocol": "TCP", "port": p, "targetPort": t} for p, t in ports],
            "clusterIP": ip, "clusterIPs": ips or [ip], "type": typ, "sessionAffinity": "None",
            "ipFamilies": ["IPv4"] + (["IPv6"] if ips and len(ips) > 1 else []),
            "ipFamilyPolicy": "PreferDualStack" if ips and len(ips) > 1 else "SingleStack",
            "internalTrafficPolicy": "Cluster"}
    if selector:
        spec["selector"] = selector
    return {"metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": rv,
                         "creationTimestamp": "2024-04-30T08:00:00Z", "labels": {"app": name} if selector else {"component": "apiserver", "provider": "kubernetes"},
                         "managedFields": [managed("kubectl-client-side-apply", "Update", "2024-04-30T08:00:00Z")]},
            "spec": spec, "status": {"loadBalancer": {}}}
services = [svc("kubernetes", "default", "e1b0a9f8-8d7c-4643-cba9-876543210fed", "192", "10.96.0.1", ports=((443, 6443),)),
            svc("checkout", "shop", "f2c1b0a9-9e8d-4754-dcba-9876543210fe", "47100", "10.96.12.34", selector={"app": "checkout"}),
            svc("orders-db", "shop", "03d2c1b0-af9e-4865-edcb-a9876543210f", "47110", "None", ips=["None"], ports=((5432, 5432),), selector={"app": "orders-db"}),
            svc("frontend", "web", "14e3d2c1-b0af-4976-fedc-ba9876543210", "47120", "10.96.40.1", ips=["10.96.40.1", "fd00:10:96::4001"], selector={"app": "frontend"})]
write("services_list.json", {"kind": "ServiceList", "apiVersion": "v1", "metadata": {"resourceVersion": "48213"}, "items": services})
payments_svc = svc("payments", "shop", "25f4e3d2-c1b0-4a87-0fed-cba987654321", "48270", "10.96.50.5", selector={"app": "payments"})
checkout_deleted = copy.deepcopy(services[1]); checkout_deleted["metadata"]["resourceVersion"] = "48280"
with open(os.path.join(OUT, "watch_services.jsonl"), "w") as f:
    f.write(event("ADDED", with_kind(payments_svc, "Service")) + "\n")
    f.write(event("DELETED", with_kind(checkout_deleted, "Service")) + "\n")

# ---- other nodes' pods (node-b)
frontend = pod("frontend-5f7d8c9b4-abcde", "web", "7c4d9a2f-0b18-4dcc-e47f-d08b9c0d1e2f", "47900", "node-b", "10.244.2.7",
               {"app": "frontend", "pod-template-hash": "5f7d8c9b4"},
               ("ReplicaSet", "frontend-5f7d8c9b4", "3a2b1c0d-9e8f-4a76-b543-2109876fedcb"), sa="frontend")
inventory = pod("inventory-0", "shop", "8d5e0b3a-1c29-4edd-f58a-e19c0d1e2f3a", "47910", "node-b", "10.244.2.8",
                {"app": "inventory"}, ("StatefulSet", "inventory", "4b3c2d1e-0f9a-4b87-c654-3210987fedcb"), sa="inventory")
proxy = pod("kube-proxy-7tq2w", "kube-system", "9e6f1c4b-2d3a-4fee-a69b-f2ad1e2f3a4b", "47920", "node-b", "192.168.49.3",
            {"k8s-app": "kube-proxy", "controller-revision-hash": "6d4b8c7f9", "pod-template-generation": "1"},
            ("DaemonSet", "kube-proxy", "5c4d3e2f-1a0b-4c98-d765-43210987fedc"), sa="kube-proxy", host_network=True)
cron_b = pod("cleanup-28467180-zz9kq", "batch", "af7a2d5c-3e4b-4a0f-b7a0-a3be2f3a4b5c", "47930", "node-b", "10.244.2.9",
             {"job-name": "cleanup-28467180"}, ("Job", "cleanup-28467180", "6d5e4f3a-2b1c-4da9-e876-543210987fed"), sa="default")
write("remote_pods_list.json", podlist([frontend, inventory, proxy, cron_b], "48213"))
frontend2 = pod("frontend-5f7d8c9b4-fghij", "web", "b08b3e6d-4f5c-4b10-c8b1-b4cf3a4b5c6d", "48290", "node-b", "10.244.2.10",
                {"app": "frontend", "pod-template-hash": "5f7d8c9b4"},
                ("ReplicaSet", "frontend-5f7d8c9b4", "3a2b1c0d-9e8f-4a76-b543-2109876fedcb"), sa="frontend")
with open(os.path.join(OUT, "watch_remote_pods.jsonl"), "w") as f:
    f.write(event("ADDED", with_kind(frontend2)) + "\n")
print("ok")
