"""L7 HTTPS offload through the real vlbd in the lab: Host preserved and X-Forwarded-* seen by the
real, 503 when no real is up, request smuggling refused before any real, live commits, and the
show commands. Also holds the helpers the other test_l7_* modules share."""
import json
import subprocess
import time

from conftest import Vlbd, eventually, lab_config, vlbsh_exe

VIP = "203.0.113.10"
REAL_ADDRESSES = ("192.0.2.11", "192.0.2.12", "192.0.2.13")

# A small HTTP/1.1 server for the reals: /headers answers the request's headers as JSON, /poll?s=N
# answers after N seconds, /sink counts a request body, /ws is a WebSocket echo. One thread per
# connection. Argument: port and a name put in every answer.
ECHO_SERVER = r'''
import base64, hashlib, json, socketserver, sys, time
from http.server import BaseHTTPRequestHandler

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        with open(LOG, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))
    def answer(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/ws") and self.headers.get("Upgrade", "").lower() == "websocket":
            return self.websocket()
        if self.path.startswith("/poll"):
            time.sleep(float(self.path.split("s=")[1]))
            return self.answer(200, (NAME + " polled\n").encode(), "text/plain")
        body = {"server": NAME, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        self.answer(200, json.dumps(body).encode())
    def do_POST(self):
        total = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                while size > 0:
                    got = self.rfile.read(min(size, 1 << 16))
                    if not got: return
                    size -= len(got); total += len(got)
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left > 0:
                got = self.rfile.read(min(left, 1 << 16))
                if not got: return
                left -= len(got); total += len(got)
        self.answer(200, json.dumps({"server": NAME, "received": total}).encode())
    def websocket(self):
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2: return
            opcode, n = head[0] & 15, head[1] & 127
            if n == 126: n = int.from_bytes(self.rfile.read(2), "big")
            elif n == 127: n = int.from_bytes(self.rfile.read(8), "big")
            mask = self.rfile.read(4) if head[1] & 128 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(n)))
            if opcode == 8: return
            out = bytes([0x80 | opcode]) + (bytes([len(data)]) if len(data) < 126 else bytes([126]) + len(data).to_bytes(2, "big")) + data
            self.wfile.write(out); self.wfile.flush()

class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

PORT, NAME, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
Server(("0.0.0.0", PORT), Handler).serve_forever()
'''


def start_echo(lab, real, port, name):
    """Starts the echo server in namespace real<N>; returns the Popen and its request log path."""
    script = lab.state / "echo_server.py"
    script.write_text(ECHO_SERVER)
    log = lab.state / f"echo-{name}.log"
    log.write_text("")
    proc = lab.popen(f"real{real}", ["/usr/bin/python3", str(script), str(port), name, str(log)],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(lab, f"real{real}", port)
    return proc, log


def wait_listening(lab, host, port, timeout=10):
    def check():
        out = lab.run(host, ["ss", "-Hltn", f"sport = :{port}"]).stdout
        assert out.strip(), f"nothing listens on {host}:{port}"
    eventually(check, timeout=timeout, interval=0.1)


def stop_all(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


def make_cert(lab, name, kind="ec", sans=None):
    """A self-signed certificate and key for `name` (ec: P-256, rsa: 2048) in the lab's state."""
    cert = lab.state / f"{name}-{kind}.crt"
    key = lab.state / f"{name}-{kind}.key"
    alg = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if kind == "ec" else ["-newkey", "rsa:2048"]
    san = ",".join(f"DNS:{n}" for n in (sans or [name]))
    subprocess.run(["openssl", "req", "-x509", *alg, "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "30", "-subj", f"/CN={name}", "-addext", f"subjectAltName={san}"],
                   check=True, capture_output=True, timeout=30)
    return str(cert), str(key)


def curl(lab, url, *extra, host="client1", resolve=None, timeout=10):
    """curl from a client; returns (status code, body). `resolve`: names to point at VIP."""
    args = ["curl", "-s", "-k", "--max-time", str(timeout), "-o", "-", "-w", "\n%{http_code}"]
    for name in resolve or []:
        args += ["--resolve", f"{name}:{VIP}" if name.count(":") == 1 else name]
    p = lab.run(host, args + list(extra) + [url], check=False, timeout=timeout + 10)
    body, _, code = p.stdout.rpartition("\n")
    return int(code or 0), body.rstrip("\n")


def base_config(lab, services, certificates=()):
    config = lab_config(lab.prefix)
    config["certificates"] = list(certificates)
    config["l7_services"] = services
    return config


def start_vlbd(lab, config):
    return Vlbd(lab, config).start()


def raw_exchange(lab, host, data, port=80, address=VIP, timeout=5):
    """Sends `data` on a plain TCP connection from a client; returns what came back until close."""
    code = ("import socket,sys\n"
            f"s=socket.create_connection(({address!r},{port}),timeout={timeout})\n"
            "s.sendall(sys.stdin.buffer.read())\n"
            "out=b''\n"
            "try:\n"
            "    while True:\n"
            "        b=s.recv(65536)\n"
            "        if not b: break\n"
            "        out+=b\n"
            "except socket.timeout:\n"
            "    pass\n"
            "sys.stdout.buffer.write(out)\n")
    p = subprocess.run(lab.cmd(host, ["/usr/bin/python3", "-c", code]), input=data, capture_output=True,
                       timeout=timeout + 10)
    return p.stdout


# --- the tests ---

def offload_services():
    return [
        {"name": "pub", "address": VIP, "protocol": "https", "certificates": ["mail"],
         "pools": [{"name": "echo", "reals": [{"address": a, "port": 8080} for a in REAL_ADDRESSES[:2]]},
                   {"name": "none", "reals": [{"address": REAL_ADDRESSES[2], "port": 8080, "state": "disabled"}]}],
         "rules": [{"name": "dead", "match": {"path_prefix": "/dead"}, "action": {"pool": "none"}}],
         "default_action": {"pool": "echo"}},
        {"name": "plain", "address": VIP, "protocol": "http", "port": 80,
         "pools": [{"name": "echo", "reals": [{"address": a, "port": 8080} for a in REAL_ADDRESSES[:2]]}],
         "default_action": {"pool": "echo"}},
    ]


def test_offload_headers_503_smuggling_and_commit(lab):
    cert, key = make_cert(lab, "mail.example.com")
    procs = []
    for n in (1, 2):
        proc, _ = start_echo(lab, n, 8080, f"real{n}")
        procs.append(proc)
    services = offload_services()
    access_log = lab.state / "l7-access.log"
    services[0]["access_log"] = str(access_log)
    config = base_config(lab, services, [{"name": "mail", "cert_file": cert, "key_file": key}])
    daemon = start_vlbd(lab, config)
    try:
        # Offload: the real gets plain HTTP with the client's Host and X-Forwarded-*.
        code, body = curl(lab, "https://mail.example.com/headers?x=1", resolve=["mail.example.com:443"])
        assert code == 200, body
        seen = json.loads(body)
        assert seen["path"] == "/headers?x=1"
        h = seen["headers"]
        assert h["host"] == "mail.example.com"
        assert h["x-forwarded-for"] == "198.51.100.10"
        assert h["x-forwarded-proto"] == "https"
        assert h["x-forwarded-host"] == "mail.example.com"
        servers = {json.loads(curl(lab, "https://mail.example.com/", resolve=["mail.example.com:443"])[1])["server"]
                   for _ in range(4)}
        assert servers == {"real1", "real2"}, "round robin over both reals"

        # The access log has a line per request, with the client, host, real and TLS version.
        def logged():
            lines = access_log.read_text().splitlines()
            assert len(lines) == 5, lines
            return lines
        # Workers' lines are written in batches, not in time order: find the request's line.
        line = [x for x in eventually(logged, timeout=5, interval=0.1) if "/headers" in x][0]
        for part in ("service=pub", "client=198.51.100.10:", f"vip={VIP}:443", "host=mail.example.com",
                     'path="/headers?x=1"', "status=200", "real=192.0.2.1", "tls=TLSv1.3"):
            assert part in line, (part, line)

        # Rotation: the file is moved away, `reopen access-logs` starts a new one.
        access_log.rename(lab.state / "l7-access.log.1")
        _shell(daemon, "reopen access-logs")
        assert curl(lab, "https://mail.example.com/rotated", resolve=["mail.example.com:443"])[0] == 200
        eventually(lambda: _assert('path="/rotated"' in access_log.read_text()), timeout=5, interval=0.1)
        assert len((lab.state / "l7-access.log.1").read_text().splitlines()) == 5

        # No real up in the pool: a 503 page from the proxy.
        code, body = curl(lab, "https://mail.example.com/dead/x", resolve=["mail.example.com:443"])
        assert code == 503 and "503" in body

        # Smuggling attempts on the plain service: 400, and no real sees a request.
        logs = [lab.state / f"echo-real{n}.log" for n in (1, 2)]
        before = [p.read_text() for p in logs]
        attacks = [
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n Continued: fold\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ]
        for attack in attacks:
            answer = raw_exchange(lab, "client1", attack)
            assert answer.startswith(b"HTTP/1.1 400"), (attack, answer[:200])
            assert b"smuggled" not in answer
        assert [p.read_text() for p in logs] == before, "a smuggling attempt reached a real"
        shown = daemon.sh("show", "l7-services", "plain")["l7_services"][0]
        assert shown["bad_requests"] >= len(attacks)

        # A commit adding a service keeps a keep-alive client of an unchanged service going:
        # a request in flight (long poll) during the commit completes.
        poll = lab.popen("client1", ["curl", "-s", "-k", "--max-time", "20", "--resolve",
                                     f"mail.example.com:443:{VIP}", "https://mail.example.com/poll?s=3"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        eventually(lambda: _assert_in_flight(daemon), timeout=5, interval=0.1)
        _shell(daemon, "set l7-service extra address 203.0.113.20 protocol http; commit")
        out, _ = poll.communicate(timeout=25)
        assert out.decode().strip() in ("real1 polled", "real2 polled"), out
        code, body = curl(lab, "http://203.0.113.20/")
        assert code == 404, "the new service answers with its default action"
        services = {s["name"]: s for s in daemon.sh("show", "l7-services")["l7_services"]}
        assert set(services) == {"pub", "plain", "extra"}
        assert services["pub"]["state"] == "up"
        reals = services["pub"]["pools"][0]["reals"]
        assert [r["real"] for r in reals] == ["192.0.2.11:8080", "192.0.2.12:8080"]
        assert services["pub"]["pools"][1]["reals"][0]["state"] == "disabled"
        assert sum(r["requests"] for r in reals) >= 6
        certs = daemon.sh("show", "certificates")["certificates"]
        assert certs[0]["name"] == "mail" and certs[0]["subject_cn"] == "mail.example.com"
        assert certs[0]["sans"] == ["mail.example.com"] and certs[0]["generated"] is False
        assert 28 <= certs[0]["days_left"] <= 30 and certs[0]["key_type"] == "ECDSA"
    finally:
        stop_all(procs)
        assert daemon.stop() == 0, daemon.log_text()


def _assert(condition):
    assert condition


def _assert_in_flight(daemon):
    pub = daemon.sh("show", "l7-services", "pub")["l7_services"][0]
    assert sum(r["active_requests"] for r in pub["pools"][0]["reals"]) == 1, pub


def _shell(daemon, script):
    p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


LOAD_CLIENT = r'''
import os, socket, sys, time
stop_file, failures, answers = sys.argv[2], [], {}
deadline = time.monotonic() + 60
for i in range(20000):
    if os.path.exists(stop_file):
        break
    if time.monotonic() > deadline:
        failures.append("out of time"); break
    try:
        s = socket.create_connection((sys.argv[1], 80), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n")
        out = b""
        while True:
            b = s.recv(65536)
            if not b: break
            out += b
        s.close()
        status = out.split(b" ", 2)[1].decode() if out else "none"
        answers[status] = answers.get(status, 0) + 1
    except OSError as e:
        failures.append(repr(e))
print(answers, failures)
'''


def test_commits_under_load_lose_no_connection(lab):
    """Commits changing a pool back to back while a client opens one new connection per request:
    the running engine takes each new director, and every request gets its 200."""
    procs = [start_echo(lab, n, 8080, f"real{n}")[0] for n in (1, 2)]
    daemon = start_vlbd(lab, base_config(lab, [s for s in offload_services() if s["name"] == "plain"]))
    stop_file = lab.state / "stop-load"
    stop_file.unlink(missing_ok=True)
    try:
        load = lab.popen("client1", ["/usr/bin/python3", "-c", LOAD_CLIENT, VIP, str(stop_file)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        eventually(lambda: _assert(daemon.sh("show", "l7-services", "plain")["l7_services"][0]["requests"] > 0),
                   timeout=10, interval=0.1)
        # 30 commits, each changing a real's weight, each followed by at least one request of the
        # load (paced by the service's request counter, not by time).
        def requests():
            return daemon.sh("show", "l7-services", "plain")["l7_services"][0]["requests"]
        commits = 0
        while commits < 30:
            before = requests()
            _shell(daemon, f"set l7-service plain pool echo real 192.0.2.12:8080 weight {2 + commits % 2}; commit")
            commits += 1
            eventually(lambda: _assert(requests() > before), timeout=10, interval=0.05)
        stop_file.write_text("")
        out, err = load.communicate(timeout=90)
        answers, failures = out.strip().split("} ")
        assert failures == "[]", out + err
        answered = eval(answers + "}")
        assert set(answered) == {"200"} and answered["200"] >= commits, out
        shown = daemon.sh("show", "l7-services")
        assert shown["retiring_generations"] == 0, "a pool change restarts no engine"
        assert shown["l7_services"][0]["requests"] >= answered["200"], "counters survive commits"
    finally:
        stop_all(procs)
        assert daemon.stop() == 0, daemon.log_text()
