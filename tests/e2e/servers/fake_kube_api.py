"""A Kubernetes API server stand-in for the e2e tests: HTTPS, bearer token checked, answering the
agent's requests with the recorded responses of tests/data/k8s/ (no API server runs here).

Usage: fake_kube_api.py CERT KEY TOKEN   (prints its port on stdout, then serves until killed)

Lists of this node's pods (fieldSelector spec.nodeName=node-a, with its continue page), of the
other nodes' pods and of Services come from the recordings; owner GETs (ReplicaSets, Jobs) are
answered by namespace and name; a watch is held open without events, as a quiet cluster's is.
Every request line is printed on stderr.
"""
import glob
import http.server
import json
import os
import socketserver
import ssl
import sys
import time
import urllib.parse

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "k8s")


def load(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


OWNERS = {}
for path in glob.glob(os.path.join(DATA, "replicaset_*.json")) + [os.path.join(DATA, "job_report.json")]:
    with open(path, "rb") as f:
        body = f.read()
    meta = json.loads(body)["metadata"]
    OWNERS[(meta["namespace"], meta["name"])] = body


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("fake-kube-api: " + fmt % args + "\n")

    def send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + self.server.token:
            self.send(401, b'{"kind":"Status","apiVersion":"v1","status":"Failure","code":401}')
            return
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        selector = query.get("fieldSelector", [""])[0]
        if query.get("watch", [""])[0] == "true":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(600)  # until the agent hangs up (or the test kills this server)
            return
        parts = url.path.strip("/").split("/")
        if url.path == "/api/v1/pods" and selector == "spec.nodeName=node-a":
            self.send(200, load("node_pods_page2.json" if "continue" in query
                                else "node_pods_page1.json"))
        elif url.path == "/api/v1/pods" and selector == "spec.nodeName!=node-a":
            self.send(200, load("remote_pods_list.json"))
        elif url.path == "/api/v1/services":
            self.send(200, load("services_list.json"))
        elif len(parts) == 6 and parts[0] == "apis" and (parts[3], parts[5]) in [
                (ns, name) for ns, name in OWNERS]:
            self.send(200, OWNERS[(parts[3], parts[5])])
        else:
            self.send(404, b'{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}')


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    cert, key, token = sys.argv[1:4]
    server = Server(("127.0.0.1", 0), Handler)
    server.token = token
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
