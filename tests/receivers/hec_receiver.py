#!/usr/bin/python3
"""A Splunk HTTP Event Collector for tests, on Python's standard library only.

It speaks the HEC protocol as Splunk documents it: token authentication, gzip bodies,
concatenated JSON event objects on /services/collector[/event[/1.0]], the HEC status codes for
each refusal, indexer acknowledgement (channels, ackIds, /services/collector/ack), optional TLS,
and failure modes scripted from the command line. It prints its port on the first stdout line,
then serves until killed. Every request it answers is appended to --record as one JSON line, so
a test can check what arrived and how it was answered.
"""

import argparse
import gzip
import json
import ssl
import sys
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EVENT_PATHS = {"/services/collector", "/services/collector/event", "/services/collector/event/1.0"}
ACK_PATH = "/services/collector/ack"
HEALTH_PATH = "/services/collector/health"
MAX_BODY = 64 * 1024 * 1024

# HEC status codes and texts, as Splunk answers them.
SUCCESS = (200, {"text": "Success", "code": 0})
TOKEN_DISABLED = (403, {"text": "Token disabled", "code": 1})
TOKEN_REQUIRED = (401, {"text": "Token is required", "code": 2})
INVALID_AUTHORIZATION = (401, {"text": "Invalid authorization", "code": 3})
INVALID_TOKEN = (403, {"text": "Invalid token", "code": 4})
NO_DATA = (400, {"text": "No data", "code": 5})
INVALID_DATA_FORMAT = (400, {"text": "Invalid data format", "code": 6})
INCORRECT_INDEX = (400, {"text": "Incorrect index", "code": 7})
SERVER_BUSY = (503, {"text": "Server is busy", "code": 9})
CHANNEL_MISSING = (400, {"text": "Data channel is missing", "code": 10})
INVALID_CHANNEL = (400, {"text": "Invalid data channel", "code": 11})
EVENT_REQUIRED = (400, {"text": "Event field is required", "code": 12})
EVENT_BLANK = (400, {"text": "Event field cannot be blank", "code": 13})
ACK_DISABLED = (400, {"text": "ACK is disabled", "code": 14})
HEALTHY = (200, {"text": "HEC is healthy", "code": 17})
THROTTLED = (429, {"text": "Too many requests"})


class BadEvent(Exception):
    def __init__(self, answer, number):
        super().__init__(answer[1]["text"])
        self.answer = answer
        self.number = number


def parse_events(text, allowed_indexes):
    """The event objects of a body, or BadEvent naming the first bad one as Splunk does."""
    decoder = json.JSONDecoder()
    events = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos == len(text):
            return events
        number = len(events)
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise BadEvent(INVALID_DATA_FORMAT, number)
        if not isinstance(obj, dict):
            raise BadEvent(INVALID_DATA_FORMAT, number)
        if "event" not in obj:
            raise BadEvent(EVENT_REQUIRED, number)
        event = obj["event"]
        if event is None or (isinstance(event, str) and not event.strip()):
            raise BadEvent(EVENT_BLANK, number)
        if "time" in obj:
            t = obj["time"]
            if isinstance(t, bool) or not isinstance(t, (int, float, str)):
                raise BadEvent(INVALID_DATA_FORMAT, number)
            try:
                float(t)
            except ValueError:
                raise BadEvent(INVALID_DATA_FORMAT, number)
        for key in ("host", "source", "sourcetype", "index"):
            if key in obj and not isinstance(obj[key], str):
                raise BadEvent(INVALID_DATA_FORMAT, number)
        if allowed_indexes and obj.get("index", allowed_indexes[0]) not in allowed_indexes:
            raise BadEvent(INCORRECT_INDEX, number)
        events.append(obj)


def valid_channel(channel):
    try:
        uuid.UUID(channel)
        return True
    except ValueError:
        return False


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.event_posts = 0
        self.next_ack_id = {}  # channel -> next ackId
        self.pending = {}  # channel -> {ackId: polls so far}
        self.record = open(args.record, "a", encoding="utf-8") if args.record else None

    def write(self, entry):
        if self.record is None:
            return
        with self.lock:
            self.record.write(json.dumps(entry) + "\n")
            self.record.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Splunk does
    timeout = 10  # a silent client does not hold a thread for ever
    server_version = "hec_receiver"

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def log_message(self, format, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def answer(self, answer, extra=None, entry=None):
        """Sends the answer; `entry` is recorded first, so a client that has its answer
        always finds its request in the record."""
        status, body = answer
        body = dict(body, **(extra or {}))
        if entry is not None:
            entry["status"] = status
            entry["reply"] = body
            self.state.write(entry)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return status, body

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def authorized(self):
        auth = self.headers.get("Authorization")
        if auth is None:
            return TOKEN_REQUIRED
        scheme, _, token = auth.partition(" ")
        if scheme != "Splunk" or not token:
            return INVALID_AUTHORIZATION
        if token != self.state.args.token:
            return INVALID_TOKEN
        if self.state.args.token_disabled:
            return TOKEN_DISABLED
        return None

    def channel(self, query):
        return self.headers.get("X-Splunk-Request-Channel") or (query.get("channel") or [None])[0]

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == HEALTH_PATH:
            self.answer(HEALTHY)
        else:
            self.answer((404, {"text": "The requested URL was not found on this server.",
                               "code": 404}))

    def do_POST(self):
        url = urlsplit(self.path)
        try:
            raw = self.read_body()
        except ValueError:
            self.answer((413, {"text": "Content-Length of the request is too large"}))
            self.close_connection = True
            return
        refused = self.authorized()
        if refused is not None:
            self.answer(refused, entry={"kind": "refused", "path": url.path})
            return
        query = parse_qs(url.query)
        if url.path in EVENT_PATHS:
            self.events(url, query, raw)
        elif url.path == ACK_PATH:
            self.acks(query, raw)
        else:
            self.answer((404, {"text": "The requested URL was not found on this server.",
                               "code": 404}))

    def events(self, url, query, raw):
        args = self.state.args
        with self.state.lock:
            self.state.event_posts += 1
            n = self.state.event_posts
        entry = {
            "kind": "events",
            "path": url.path,
            "attempt": n,
            "headers": {
                "authorization": self.headers.get("Authorization"),
                "content-encoding": self.headers.get("Content-Encoding"),
                "content-type": self.headers.get("Content-Type"),
                "channel": self.headers.get("X-Splunk-Request-Channel"),
            },
            "events": [],
        }
        if n <= args.stall_first:
            time.sleep(args.stall_ms / 1000)

        def done(answer, extra=None):
            self.answer(answer, extra, entry)

        if n <= args.fail_first:
            return done(SERVER_BUSY)
        if n <= args.fail_first + args.throttle:
            return done(THROTTLED)
        channel = self.channel(query)
        if args.ack:
            if not channel:
                return done(CHANNEL_MISSING)
            if not valid_channel(channel):
                return done(INVALID_CHANNEL)
        body = raw
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            try:
                body = gzip.decompress(raw)
            except (OSError, EOFError, zlib.error):
                return done(INVALID_DATA_FORMAT)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return done(INVALID_DATA_FORMAT)
        if not text.strip():
            return done(NO_DATA)
        try:
            entry["events"] = parse_events(text, args.allowed_index)
        except BadEvent as bad:
            return done(bad.answer, {"invalid-event-number": bad.number})
        if not args.ack:
            return done(SUCCESS)
        with self.state.lock:
            ack_id = self.state.next_ack_id.get(channel, 0)
            self.state.next_ack_id[channel] = ack_id + 1
            self.state.pending.setdefault(channel, {})[ack_id] = 0
        entry["ack_id"] = ack_id
        entry["channel"] = channel
        return done(SUCCESS, {"ackId": ack_id})

    def acks(self, query, raw):
        args = self.state.args
        entry = {"kind": "acks"}

        def done(answer, extra=None):
            self.answer(answer, extra, entry)

        if not args.ack:
            return done(ACK_DISABLED)
        channel = self.channel(query)
        if not channel:
            return done(CHANNEL_MISSING)
        try:
            ids = json.loads(raw.decode("utf-8"))["acks"]
            if not isinstance(ids, list) or not all(
                    isinstance(i, int) and not isinstance(i, bool) for i in ids):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return done(INVALID_DATA_FORMAT)
        statuses = {}
        with self.state.lock:
            if channel not in self.state.pending:
                status = None
            else:
                pending = self.state.pending[channel]
                for ack_id in ids:
                    indexed = False
                    if ack_id in pending and not args.never_ack:
                        if pending[ack_id] >= args.ack_after_polls:
                            indexed = True
                            del pending[ack_id]  # Splunk forgets an ackId once reported
                        else:
                            pending[ack_id] += 1
                    statuses[str(ack_id)] = indexed
                status = True
        if status is None:
            return done(INVALID_CHANNEL)
        entry["acks"] = statuses
        return done((200, {}), {"acks": statuses})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that gives up (wrong CA, timeout) is part of the tests, not an error.
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--token", required=True, help="the HEC token clients must present")
    p.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    p.add_argument("--record", help="append one JSON line per answered request to this file")
    p.add_argument("--cert", help="PEM certificate chain: serve HTTPS")
    p.add_argument("--key", help="PEM private key of --cert")
    p.add_argument("--ack", action="store_true", help="the token has indexer acknowledgement")
    p.add_argument("--ack-after-polls", type=int, default=0,
                   help="an ackId reads false this many times before it reads true")
    p.add_argument("--never-ack", action="store_true", help="no ackId ever reads true")
    p.add_argument("--fail-first", type=int, default=0,
                   help="answer the first N event posts 503 Server is busy")
    p.add_argument("--throttle", type=int, default=0,
                   help="then answer the next N event posts 429")
    p.add_argument("--stall-first", type=int, default=0,
                   help="hold the first N event posts for --stall-ms before answering")
    p.add_argument("--stall-ms", type=int, default=5000)
    p.add_argument("--token-disabled", action="store_true", help="the token is disabled")
    p.add_argument("--allowed-index", action="append", default=[],
                   help="indexes the token may write to (repeatable; default: any)")
    args = p.parse_args()
    if bool(args.cert) != bool(args.key):
        p.error("--cert and --key go together")

    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(args)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        # The handshake happens on the handler's thread (Handler.setup), not in accept().
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
