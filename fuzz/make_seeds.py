#!/usr/bin/env python3
"""Writes the seed corpus for http1_session_fuzz (input layout in http1_session_fuzz.cc)."""
import pathlib
import struct

LIMITS = bytes([64, 255, 255, 64, 128])


def data(direction, payload, piece=0):
    return bytes([(piece << 2) | direction]) + struct.pack('<H', len(payload)) + payload


def gap(direction, size, size_class=3):
    return bytes([(size_class << 3) | (direction << 2) | 2]) + struct.pack('<Q', size)


CLOSE = bytes([3])
GET = b'GET /users?id=7 HTTP/1.1\r\nHost: api\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n'
OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
SEEDS = {
    'keepalive': data(0, GET) + data(1, OK) + data(0, GET, 7) + data(1, OK, 5) + CLOSE,
    'pipelined': data(0, GET * 3) + data(1, OK * 3),
    'chunked': data(0, GET) + data(1, b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
                                      b'5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n', 3),
    'gaps': data(0, b'POST /u HTTP/1.1\r\nContent-Length: 100\r\n\r\nab') + gap(0, 90) +
            data(0, b'12345678') + data(1, b'HTTP/1.1 200 OK\r\nContent-Le') + gap(1, 40) +
            data(1, OK),
    'close_delimited': data(0, b'HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.0\r\n\r\n') +
                       data(1, b'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n') +
                       data(1, b'HTTP/1.0 200 OK\r\n\r\nuntil close') + CLOSE,
    'upgrade': data(0, b'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n') +
               data(1, b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n'
                       b'Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00'),
}

out = pathlib.Path(__file__).parent / 'corpus' / 'http1'
out.mkdir(parents=True, exist_ok=True)
for name, body in SEEDS.items():
    (out / name).write_bytes(LIMITS + body)
