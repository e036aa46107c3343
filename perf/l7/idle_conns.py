#!/usr/bin/python3
"""Opens N keep-alive connections to a proxy, does one request on each, and keeps them idle;
prints the proxy's RSS before and after (sum over the given PIDs) and the difference per
connection. Used by perf/l7/compare."""
import argparse
import socket
import ssl
import sys
import time


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def one_request(sock):
    sock.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
    data = b""
    deadline = time.monotonic() + 10
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("proxy closed the connection")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length and time.monotonic() < deadline:
        body += sock.recv(4096)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls", action="store_true")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--pids", required=True, help="comma-separated proxy PIDs")
    a = p.parse_args()
    pids = [int(x) for x in a.pids.split(",") if x]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    before = rss_kib(pids)
    conns = []
    for _ in range(a.count):
        s = socket.create_connection(("127.0.0.1", a.port), timeout=10)
        if a.tls:
            s = ctx.wrap_socket(s, server_hostname="bench")
        one_request(s)
        conns.append(s)
    time.sleep(1.0)  # let the proxies settle after the last response (measurement, not sync)
    after = rss_kib(pids)
    per_conn = (after - before) * 1024 / a.count
    print(f"rss_before_kib={before} rss_after_kib={after} bytes_per_idle_conn={per_conn:.0f}")
    for s in conns:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
