"""Streaming through the L7 proxy in the real vlbd: a WebSocket echo, a long poll held beyond the
client idle timeout until the server timeout, 1 GiB uploaded and downloaded with vlbd's
resident memory growing by less than 64 MiB, and a WebSocket that outlives a commit moving its
service to another port (the old engine keeps the tunnel, new connections get the new listener)."""
import os
import select
import subprocess
import time

from conftest import eventually
from test_l7_proxy import VIP, _shell, base_config, curl, start_echo, start_vlbd, stop_all

GIB = 1 << 30

WS_CLIENT = r'''
import base64, os, socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /ws HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
head = b""
while b"\r\n\r\n" not in head:
    b = s.recv(1)
    if not b: sys.exit("closed during the handshake: %r" % head)
    head += b
print(head.split(b"\r\n")[0].decode())
for text in (b"hello vlb", b"x" * 300):
    mask = os.urandom(4)
    n = len(text)
    size = bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
    s.sendall(bytes([0x81]) + size + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(text)))
    h = s.recv(2, socket.MSG_WAITALL)
    m = h[1] & 127
    if m == 126: m = int.from_bytes(s.recv(2, socket.MSG_WAITALL), "big")
    data = s.recv(m, socket.MSG_WAITALL)
    print("echo", len(data), data[:20].decode())
'''


def rss_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def test_websocket_long_poll_and_gigabyte_streams(lab):
    proc, _ = start_echo(lab, 1, 8080, "real1")
    huge = lab.state / "real1" / "www" / "huge"
    huge.mkdir(exist_ok=True)
    with open(huge / "huge.bin", "wb") as f:
        f.truncate(GIB)  # sparse: costs no disk
    upload = lab.state / "upload.bin"
    with open(upload, "wb") as f:
        f.truncate(GIB)
    services = [
        {"name": "stream", "address": VIP, "protocol": "http", "port": 80,
         "timeouts": {"client_s": 1, "server_s": 4},
         "pools": [{"name": "app", "reals": [{"address": "192.0.2.11", "port": 8080}]},
                   {"name": "files", "reals": [{"address": "192.0.2.11", "port": 80}]}],
         "rules": [{"name": "files", "match": {"path_prefix": "/huge"}, "action": {"pool": "files"}}],
         "default_action": {"pool": "app"}},
    ]
    daemon = start_vlbd(lab, base_config(lab, services))
    try:
        # WebSocket: upgrade through the proxy, two frames echoed.
        out = lab.run("client1", ["/usr/bin/python3", "-c", WS_CLIENT, VIP], timeout=30).stdout
        assert out.splitlines() == ["HTTP/1.1 101 Switching Protocols", "echo 9 hello vlb",
                                    "echo 300 " + "x" * 20], out

        # A long poll answered after 2.5 s: beyond the client idle timeout (1 s), within the
        # server timeout (4 s). One answered after 6 s is cut at the server timeout: 504.
        code, body = curl(lab, f"http://{VIP}/poll?s=2.5", timeout=15)
        assert (code, body) == (200, "real1 polled")
        code, _ = curl(lab, f"http://{VIP}/poll?s=6", timeout=15)
        assert code == 504

        pid = daemon.proc.pid
        before = rss_kib(pid, "VmRSS")
        # 1 GiB down (nginx, sendfile) and up (Content-Length, counted by the echo server).
        p = lab.run("client1", ["curl", "-s", "--max-time", "120", "-o", "/dev/null", "-w",
                                "%{http_code} %{size_download}", f"http://{VIP}/huge/huge.bin"], timeout=130)
        assert p.stdout == f"200 {GIB}", p.stdout
        p = lab.run("client1", ["curl", "-s", "--max-time", "120", "-X", "POST", "-T", str(upload),
                                f"http://{VIP}/sink"], timeout=130)
        assert p.stdout == '{"server": "real1", "received": %d}' % GIB, p.stdout
        growth_mib = (rss_kib(pid, "VmHWM") - before) / 1024
        print(f"vlbd resident memory growth over 1 GiB down and up: {growth_mib:.1f} MiB")
        assert growth_mib < 64, f"vlbd grew by {growth_mib:.1f} MiB"
        shown = daemon.sh("show", "l7-services", "stream")["l7_services"][0]
        assert shown["bytes_in"] > GIB and shown["bytes_out"] > GIB
        assert shown["upstream_timeouts"] == 1
    finally:
        stop_all([proc])
        assert daemon.stop() == 0, daemon.log_text()


# A WebSocket client that keeps its connection: after the handshake and a first echo it sends one
# text frame per line of its standard input and prints each echo, until "bye" or the end of input.
WS_SESSION = r'''
import base64, os, socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /ws HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
head = b""
while b"\r\n\r\n" not in head:
    b = s.recv(1)
    if not b: sys.exit("closed during the handshake: %r" % head)
    head += b
print(head.split(b"\r\n")[0].decode(), flush=True)
def exchange(text):
    mask = os.urandom(4)
    s.sendall(bytes([0x81, 0x80 | len(text)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(text)))
    h = s.recv(2, socket.MSG_WAITALL)
    if len(h) < 2:
        print("closed", flush=True); sys.exit(1)
    data = s.recv(h[1] & 127, socket.MSG_WAITALL)
    print("echo", data.decode(), flush=True)
exchange(b"before the commit")
for line in sys.stdin:
    if line.strip() == "bye": break
    exchange(line.strip().encode())
s.close()
'''


class LineReader:
    """Lines of a process's output, each waited for at most `timeout` seconds."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.buf = b""

    def line(self, timeout=10):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            assert left > 0, f"no full line in {timeout} s: {self.buf!r}"
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 4096)
                assert chunk, f"output ended: {self.buf!r}"
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode()


def test_websocket_outlives_a_commit_that_rebuilds_the_engine(lab):
    proc, _ = start_echo(lab, 1, 8080, "real1")
    services = [{"name": "ws", "address": VIP, "protocol": "http", "port": 80,
                 "pools": [{"name": "app", "reals": [{"address": "192.0.2.11", "port": 8080}]}],
                 "default_action": {"pool": "app"}}]
    daemon = start_vlbd(lab, base_config(lab, services))
    ws = None
    try:
        ws = lab.popen("client1", ["/usr/bin/python3", "-c", WS_SESSION, VIP, "80"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = LineReader(ws.stdout)
        assert out.line() == "HTTP/1.1 101 Switching Protocols"
        assert out.line() == "echo before the commit"

        # A listener change: new engines on port 8081, the old one retires with the tunnel.
        _shell(daemon, "set l7-service ws port 8081; commit")
        shown = daemon.sh("show", "l7-services")
        assert shown["l7_services"][0]["port"] == 8081
        assert shown["retiring_generations"] == 1 and shown["retiring_connections"] == 1, shown

        # New connections get the new configuration: 8081 answers, 80 no longer listens.
        code, body = curl(lab, f"http://{VIP}:8081/headers")
        assert code == 200 and '"server": "real1"' in body, (code, body)
        assert curl(lab, f"http://{VIP}/headers")[0] == 0, "port 80 still accepts after the commit"

        # The tunnel opened before the commit goes on.
        for text in ("after the commit", "and again"):
            ws.stdin.write(text.encode() + b"\n")
            ws.stdin.flush()
            assert out.line() == "echo " + text

        # The client ends it: the old generation goes away.
        ws.stdin.write(b"bye\n")
        ws.stdin.flush()
        assert ws.wait(timeout=10) == 0, ws.stderr.read()
        eventually(lambda: _assert_retired(daemon), timeout=15, interval=0.2)
    finally:
        stop_all([proc] + ([ws] if ws else []))
        assert daemon.stop() == 0, daemon.log_text()


def _assert_retired(daemon):
    shown = daemon.sh("show", "l7-services")
    assert shown["retiring_generations"] == 0, shown
