"""A small gRPC service and client for the e2e tests, on Debian's python3-grpcio, with messages
as raw protobuf wire bytes (no generated code needed).

  grpc_app.py serve [CERT KEY]   prints the port, then serves shop.Orders until killed (over
                                 TLS with the certificate, else h2c)
  grpc_app.py call PORT [CERT]   makes one call of each kind and prints what came back (TLS
                                 trusting CERT, for the name localhost, else h2c)
  grpc_app.py channel PORT   opens a channel and makes a call, prints "ready", waits for a line
                             on stdin, then makes three more calls on the same channel

shop.Orders:
  Get (unary)              {1: id} -> {1: id, 2: "ada"}; id 404 -> NOT_FOUND "order not found"
  List (server streaming)  {} -> three {1: n}
  Upload (client streaming) n x {1: n} -> {1: count}
  Chat (bidi)              each {1: n} -> {1: n + 1}
"""
import sys
import time
from concurrent import futures

import grpc


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def msg_id(n):
    return b"\x08" + varint(n)


def read_id(data):
    # field 1 varint, as msg_id wrote it
    n, shift = 0, 0
    for b in data[1:]:
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return n


def get(request, context):
    order = read_id(request)
    if order == 404:
        context.abort(grpc.StatusCode.NOT_FOUND, "order not found")
    return msg_id(order) + b"\x12\x03ada"


def list_orders(request, context):
    for n in range(3):
        yield msg_id(n + 1)


def upload(request_iterator, context):
    return msg_id(sum(1 for _ in request_iterator))


def chat(request_iterator, context):
    for request in request_iterator:
        yield msg_id(read_id(request) + 1)


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler("shop.Orders", {
        "Get": grpc.unary_unary_rpc_method_handler(get),
        "List": grpc.unary_stream_rpc_method_handler(list_orders),
        "Upload": grpc.stream_unary_rpc_method_handler(upload),
        "Chat": grpc.stream_stream_rpc_method_handler(chat),
    })
    server.add_generic_rpc_handlers((handler,))
    if len(sys.argv) > 3:
        with open(sys.argv[2], "rb") as cert, open(sys.argv[3], "rb") as key:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()


def open_channel(port):
    if len(sys.argv) > 3:
        with open(sys.argv[3], "rb") as cert:
            credentials = grpc.ssl_channel_credentials(root_certificates=cert.read())
        return grpc.secure_channel(f"127.0.0.1:{port}", credentials,
                                   options=(("grpc.ssl_target_name_override", "localhost"),))
    return grpc.insecure_channel(f"127.0.0.1:{port}")


def call(port):
    with open_channel(port) as channel:
        get_rpc = channel.unary_unary("/shop.Orders/Get")
        print("get", read_id(get_rpc(msg_id(42))))
        try:
            get_rpc(msg_id(404))
        except grpc.RpcError as e:
            print("get-error", e.code().name, e.details())
        print("list", [read_id(m) for m in channel.unary_stream("/shop.Orders/List")(b"")])
        upload_rpc = channel.stream_unary("/shop.Orders/Upload")
        print("upload", read_id(upload_rpc(iter([msg_id(n) for n in range(4)]))))
        chat_rpc = channel.stream_stream("/shop.Orders/Chat")
        print("chat", [read_id(m) for m in chat_rpc(iter([msg_id(1), msg_id(10)]))])


def long_lived_channel(port):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        get_rpc = channel.unary_unary("/shop.Orders/Get")
        get_rpc(msg_id(1))  # the connection and both header tables now exist
        print("ready", flush=True)
        sys.stdin.readline()
        print("get", read_id(get_rpc(msg_id(2))))
        print("get", read_id(get_rpc(msg_id(3))))
        print("list", [read_id(m) for m in channel.unary_stream("/shop.Orders/List")(b"")],
              flush=True)
        time.sleep(1.5)  # a long-lived client: still there when the agent looks it up


if __name__ == "__main__":
    {"serve": lambda: serve(), "call": lambda: call(int(sys.argv[2])),
     "channel": lambda: long_lived_channel(int(sys.argv[2]))}[sys.argv[1]]()
