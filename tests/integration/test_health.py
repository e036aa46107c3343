"""Real-server checks in the running vlbd, against the lab's nginx reals: a stopped real is marked
down within interval × fall + timeout and, from then on, no request fails; started again it comes
back after `rise` and takes traffic; a real answering 503 on its check URL is down while its port
is open; tcp checks fail fast on a closed port (refused) and by timeout on a black hole; https
checks accept a self-signed real unless verify is on; with no real up a new connection is
refused at once."""
import collections
import subprocess
import threading
import time

import pytest

from conftest import Vlbd, eventually, lab_config

VIP = "203.0.113.10"
L7_VIP = "203.0.113.30"
REALS = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
NAME = dict(zip(REALS, ["real1", "real2", "real3"]))
CHECK_PORT = 8089  # a tiny server per real: 200 on /check, except real2 (503)
TLS_PORT = 8443
INTERVAL, TIMEOUT, RISE, FALL = 1, 1, 2, 2

CHECK_SERVER = """
import http.server, sys
code = int(sys.argv[1])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(code if self.path == "/check" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[2])), H).serve_forever()
"""


def check(kind, **more):
    c = {"type": kind, "interval_s": INTERVAL, "timeout_s": TIMEOUT, "rise": RISE, "fall": FALL}
    c.update(more)
    return c


@pytest.fixture(scope="module")
def appliance(lab):
    procs = []
    check_servers = {}
    for addr in REALS:
        code = "503" if NAME[addr] == "real2" else "200"
        check_servers[NAME[addr]] = lab.popen(NAME[addr], ["/usr/bin/python3", "-c", CHECK_SERVER, code,
                                                          str(CHECK_PORT)])
        procs.append(check_servers[NAME[addr]])
    cert, key = lab.state / "tls-real.pem", lab.state / "tls-real.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=real1"],
                   check=True, capture_output=True, timeout=30)
    procs.append(lab.popen("real1", ["openssl", "s_server", "-quiet", "-accept", str(TLS_PORT),
                                     "-cert", str(cert), "-key", str(key), "-www"]))
    for addr in REALS:
        eventually(lambda a=addr: listening(lab, NAME[a], CHECK_PORT), timeout=10)
    eventually(lambda: listening(lab, "real1", TLS_PORT), timeout=10)

    config = lab_config(lab.prefix)
    config["virtual_services"] = [
        {"name": "web", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "check": check("http", port=CHECK_PORT, url="/check", expect="200"),
         "reals": [{"address": a} for a in REALS]},
        {"name": "web-min3", "vip": VIP, "protocol": "tcp", "port": 85, "scheduler": "rr",
         "minimum_up": 3, "check": check("http", port=CHECK_PORT, url="/check", expect="200"),
         "reals": [{"address": a, "port": 80} for a in REALS]},
        {"name": "closed", "vip": VIP, "protocol": "tcp", "port": 81,
         "check": check("tcp", port=9), "reals": [{"address": REALS[0], "port": 80}]},
        {"name": "blackhole", "vip": VIP, "protocol": "tcp", "port": 82,
         "check": check("tcp"), "reals": [{"address": "192.0.2.50", "port": 80}]},
        {"name": "tls", "vip": VIP, "protocol": "tcp", "port": 83,
         "check": check("https", port=TLS_PORT, url="/", expect="200"),
         "reals": [{"address": REALS[0], "port": 80}]},
        {"name": "tls-verify", "vip": VIP, "protocol": "tcp", "port": 84,
         "check": check("https", port=TLS_PORT, url="/", expect="200", verify=True,
                        ca_file="/etc/ssl/certs/ca-certificates.crt"),
         "reals": [{"address": REALS[0], "port": 80}]},
    ]
    # An L7 service whose pool has the same check: its proxy skips the real the checks mark down.
    config["l7_services"] = [
        {"name": "web7", "address": L7_VIP, "port": 80, "protocol": "http",
         "pools": [{"name": "all", "scheduler": "rr",
                    "check": check("http", port=CHECK_PORT, url="/check", expect="200"),
                    "reals": [{"address": a, "port": 80} for a in REALS]}],
         "rules": [{"name": "all", "match": {"path_prefix": "/"}, "action": {"pool": "all"}}]},
    ]
    daemon = Vlbd(lab, config).start()
    daemon.check_servers = check_servers
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        for p in procs + list(check_servers.values()):
            p.kill()
        nginx(lab, "real3", start=True)
        assert rc == 0, daemon.log_text()


def listening(lab, host, port):
    assert lab.run(host, ["ss", "-Hltn", f"sport = :{port}"]).stdout.strip(), f"{host}:{port} not yet"


def nginx(lab, host, start):
    d = lab.state / host
    if start:
        if not (d / "nginx.pid").exists():
            lab.run(host, ["nginx", "-q", "-c", str(d / "nginx.conf"), "-p", str(d), "-e",
                           str(d / "logs" / "error.log")])
    else:
        lab.run(host, ["nginx", "-q", "-c", str(d / "nginx.conf"), "-p", str(d), "-e",
                       str(d / "logs" / "error.log"), "-s", "stop"])


def reals(daemon, service=None):
    rows = daemon.sh("show", "real-servers")["real_servers"]
    return {r["real"]: r for r in rows if service is None or r["service"] == service}


def state_is(daemon, service, real, state, result=None):
    row = reals(daemon, service)[real]
    assert row["state"] == state, row
    if result:
        assert row["last_result"] == result, row


def get(lab, url, host="client1"):
    r = lab.run(host, ["curl", "-s", "--fail", "--max-time", "3", url], check=False, timeout=10)
    return r.stdout.strip() if r.returncode == 0 else f"failed {r.returncode}"


def test_a_real_answering_503_is_down_while_its_port_is_open(appliance):
    eventually(lambda: state_is(appliance, "web", "192.0.2.12:80", "down", "status"), timeout=10)
    assert reals(appliance, "web")["192.0.2.12:80"]["last_status"] == 503
    eventually(lambda: state_is(appliance, "web", "192.0.2.11:80", "up"), timeout=10)
    eventually(lambda: state_is(appliance, "web", "192.0.2.13:80", "up"), timeout=10)
    answers = collections.Counter(get(appliance.lab, f"http://{VIP}/") for _ in range(10))
    assert answers == {"real1": 5, "real3": 5}, answers
    shown = {r["address"]: r for r in appliance.sh("show", "virtual-service", "web")["real_servers"]}
    assert shown["192.0.2.12"]["state"] == "down"


def test_the_l7_proxy_skips_a_real_its_checks_mark_down(appliance):
    eventually(lambda: state_is(appliance, "web7/all", "192.0.2.12:80", "down", "status"), timeout=10)
    eventually(lambda: state_is(appliance, "web7/all", "192.0.2.11:80", "up"), timeout=10)
    eventually(lambda: state_is(appliance, "web7/all", "192.0.2.13:80", "up"), timeout=10)
    answers = collections.Counter(get(appliance.lab, f"http://{L7_VIP}/") for _ in range(10))
    assert set(answers) == {"real1", "real3"}, answers


def test_tcp_checks_fail_fast_when_refused_and_by_timeout_on_a_black_hole(appliance):
    eventually(lambda: state_is(appliance, "closed", "192.0.2.11:80", "down", "refused"), timeout=10)
    assert reals(appliance, "closed")["192.0.2.11:80"]["latency_ms"] < TIMEOUT * 1000
    eventually(lambda: state_is(appliance, "blackhole", "192.0.2.50:80", "down", "timeout"), timeout=15)


def test_https_checks_accept_a_self_signed_real_unless_verify_is_on(appliance):
    eventually(lambda: state_is(appliance, "tls", "192.0.2.11:80", "up"), timeout=10)
    eventually(lambda: state_is(appliance, "tls-verify", "192.0.2.11:80", "down", "tls error"), timeout=10)


def test_fewer_reals_up_than_minimum_up_takes_no_new_connections(appliance):
    eventually(lambda: state_is(appliance, "web-min3", "192.0.2.12:80", "down"), timeout=10)
    r = appliance.lab.run("client1", ["curl", "-s", "--max-time", "5", f"http://{VIP}:85/"], check=False,
                          timeout=10)
    assert r.returncode == 7, "two of three reals up, minimum_up 3: refused"
    assert appliance.sh("show", "virtual-service", "web-min3")["refused"] >= 1


def test_no_real_up_refuses_new_connections_at_once(appliance):
    eventually(lambda: state_is(appliance, "closed", "192.0.2.11:80", "down"), timeout=10)
    r = appliance.lab.run("client1", ["curl", "-s", "--max-time", "5", f"http://{VIP}:81/"], check=False,
                          timeout=10)
    assert r.returncode == 7, "connection refused (a reset from the VIP), not a timeout"


def test_a_stopped_real_goes_down_in_bound_and_then_no_request_fails(appliance):
    lab = appliance.lab
    eventually(lambda: state_is(appliance, "web", "192.0.2.13:80", "up"), timeout=10)
    results = []  # (time, answer) from a client fetching throughout
    stop = threading.Event()

    def load():
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            results.append((time.monotonic(), get(lab, f"http://{VIP}/", host="client2")))

    loader = threading.Thread(target=load)
    loader.start()
    try:
        time.sleep(1)
        nginx(lab, "real3", start=False)
        appliance.check_servers["real3"].kill()  # its check server too
        stopped = time.monotonic()
        eventually(lambda: state_is(appliance, "web", "192.0.2.13:80", "down"), timeout=15, interval=0.1)
        detected = time.monotonic()
        bound = INTERVAL * 1.1 * FALL + TIMEOUT + 1  # + one second for this test's polling
        assert detected - stopped <= bound, f"down after {detected - stopped:.1f} s, bound {bound} s"
        time.sleep(3)
    finally:
        stop.set()
        loader.join(timeout=30)
    after = [a for t, a in results if t > detected]
    assert after and all(a == "real1" for a in after), collections.Counter(after)

    # Back: nginx and the check server again; up after `rise` passes, then in the rotation.
    nginx(lab, "real3", start=True)
    appliance.check_servers["real3"] = lab.popen(
        "real3", ["/usr/bin/python3", "-c", CHECK_SERVER, "200", str(CHECK_PORT)])
    eventually(lambda: state_is(appliance, "web", "192.0.2.13:80", "up"), timeout=15)

    def real3_serves():
        assert "real3" in {get(lab, f"http://{VIP}/") for _ in range(4)}
    eventually(real3_serves, timeout=10)
