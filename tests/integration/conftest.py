"""Fixtures for the integration tests: a lab of network namespaces (scripts/lab) and vlbd in it.

Environment: VLBD, VLBSH (built binaries), VLB_SOURCE_ROOT (the checkout; defaults to this file's).
Every subprocess has a timeout and every wait loop is bounded.
"""
import contextlib
import json
import os
import random
import signal
import string
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("VLB_SOURCE_ROOT") or Path(__file__).resolve().parents[2])
LAB_SCRIPT = ROOT / "scripts" / "lab"
STATE_ROOT = Path("/run/vlb-lab")
HOSTS = ("sw", "client1", "client2", "lb", "real1", "real2", "real3")

_daemons = []  # running Vlbd objects, so that a failing test's report shows their logs


def random_prefix():
    return "t" + "".join(random.choices(string.ascii_lowercase + string.digits, k=6))


def run(cmd, check=True, timeout=30, **kw):
    """subprocess.run with text output captured; on failure the message shows the output."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def lab_script(prefix, *args, check=True, timeout=120):
    return run([str(LAB_SCRIPT), "-p", prefix, *args], check=check, timeout=timeout)


def lab_namespaces(prefix):
    out = run(["ip", "netns", "list"]).stdout.split("\n")
    names = {line.split()[0] for line in out if line.strip()}
    return {h for h in HOSTS if f"{prefix}-{h}" in names}


class Lab:
    def __init__(self, prefix):
        self.prefix = prefix
        self.state = STATE_ROOT / prefix

    def up(self):
        lab_script(self.prefix, "up")

    def down(self):
        lab_script(self.prefix, "down")

    def ns(self, host):
        return f"{self.prefix}-{host}"

    def cmd(self, host, cmd):
        """The argv running `cmd` (a list, or a string for sh -c) inside namespace `host`."""
        if isinstance(cmd, str):
            cmd = ["sh", "-c", cmd]
        return ["ip", "netns", "exec", self.ns(host), *cmd]

    def run(self, host, cmd, check=True, timeout=30, **kw):
        return run(self.cmd(host, cmd), check=check, timeout=timeout, **kw)

    def json(self, host, cmd, timeout=30):
        return json.loads(self.run(host, cmd, timeout=timeout).stdout or "null")

    def popen(self, host, cmd, **kw):
        return subprocess.Popen(self.cmd(host, cmd), start_new_session=True, **kw)

    def link_names(self, host):
        return {link["ifname"] for link in self.json(host, ["ip", "-j", "link", "show"])}


@pytest.fixture(scope="module")
def lab():
    the_lab = Lab(random_prefix())
    try:
        the_lab.up()
        yield the_lab
    finally:
        lab_script(the_lab.prefix, "down", check=False)


PORT_DEVARGS = {
    # DPDK's af_packet PMD on the lab's veths.
    "af_packet": "net_af_packet{n},iface={iface}",
    # AF_XDP in copy mode: veths have no zero-copy support.
    "af_xdp": "net_af_xdp{n},iface={iface},force_copy=1",
}


def lab_config(prefix, driver="af_packet"):
    """The vlbd config the tests use: ports on the lab's ext0/int0 with the given PMD."""
    devargs = PORT_DEVARGS[driver]
    return {
        "eal": {"no_huge": True, "no_pci": True, "in_memory": True, "file_prefix": prefix,
                "memory_mb": 256, "lcores": "0-1"},
        "control": {"socket": f"/run/vlb-lab/{prefix}/vlbd.sock"},
        "datapath": {"idle_sleep_us": 50},
        "ports": [
            {"name": "ext", "role": "external", "devargs": devargs.format(n=0, iface="ext0"),
             "addresses": ["198.51.100.1/24"]},
            {"name": "int", "role": "internal", "devargs": devargs.format(n=1, iface="int0"),
             "addresses": ["192.0.2.1/24"]},
        ],
    }


def vlbd_exe():
    return os.environ.get("VLBD") or str(ROOT / "build" / "mgmt" / "daemon" / "vlbd")


def vlbsh_exe():
    return os.environ.get("VLBSH") or str(ROOT / "build" / "mgmt" / "shell" / "vlbsh")


class Vlbd:
    """vlbd running in the lab's lb namespace."""

    def __init__(self, lab, config=None, args=(), wrapper=()):
        self.lab = lab
        self.config = config or lab_config(lab.prefix)
        self.args = list(args)  # more vlbd options, e.g. ["--state-dir", DIR]
        self.wrapper = list(wrapper)  # a command vlbd runs under, e.g. ["unshare", "--uts"]
        # Never the host's /etc/resolv.conf, whatever the config says.
        self.resolv_conf = lab.state / "resolv.conf"
        self.socket = self.config["control"]["socket"]
        self.config_path = lab.state / "vlbd.json"
        self.log_path = lab.state / "vlbd.log"
        self.proc = None

    def start(self, ready_timeout=30):
        self.config_path.write_text(json.dumps(self.config, indent=1))
        with open(self.log_path, "w") as log:
            self.proc = self.lab.popen("lb", [*self.wrapper, vlbd_exe(), "--config", str(self.config_path),
                                              "--resolv-conf", str(self.resolv_conf), *self.args],
                                       stdout=log, stderr=subprocess.STDOUT)
        _daemons.append(self)
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"vlbd exited {self.proc.returncode} during start:\n{self.log_text()}")
            p = run(self.sh_argv("show", "version"), check=False, timeout=5)
            if p.returncode == 0:
                return self
            if time.monotonic() > deadline:
                raise AssertionError(f"vlbd not ready in {ready_timeout} s: {p.stderr}\n{self.log_text()}")
            time.sleep(0.3)

    def sh_argv(self, *words):
        return [vlbsh_exe(), "--socket", self.socket, "--json", *words]

    def sh(self, *words, timeout=10):
        return json.loads(run(self.sh_argv(*words), timeout=timeout).stdout)

    def interface(self, name):
        found = [i for i in self.sh("show", "interfaces")["interfaces"] if i["name"] == name]
        assert found, f"no interface {name!r} in show interfaces"
        return found[0]

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as e:
            return f"(no log: {e})"

    def stop(self, timeout=15):
        """SIGTERM, wait; returns the exit code (None if it had to be killed)."""
        if self in _daemons:
            _daemons.remove(self)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                return None
        return self.proc.returncode


@pytest.fixture(scope="module")
def port_driver():
    """The PMD of the appliance's ports; a module may override this fixture with params."""
    return "af_packet"


@pytest.fixture(scope="module")
def vlbd(lab, port_driver):
    for exe in (vlbd_exe(), vlbsh_exe()):
        if not os.access(exe, os.X_OK):
            pytest.fail(f"{exe} is not an executable (set VLBD and VLBSH)")
    daemon = Vlbd(lab, lab_config(lab.prefix, port_driver))
    try:
        daemon.start()
    except BaseException:
        daemon.stop()
        raise
    yield daemon
    rc = daemon.stop()
    assert rc == 0, f"vlbd exit code {rc} after SIGTERM (None: killed after 15 s)\n{daemon.log_text()}"


def eventually(check, timeout=10, interval=0.3):
    """Calls check() until it stops raising AssertionError (returns its value) or the time is up
    (raises the last AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        time.sleep(interval)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for daemon in _daemons:
            report.sections.append((f"vlbd log {daemon.log_path}", daemon.log_text()[-20000:]))


def start_udp_name_servers(lab, port):
    """A UDP server on every real answering each datagram with the real's name; returns the
    processes once all three listen (a datagram before that would meet a port unreachable)."""
    # One process answering from its one socket (socat's fork-per-datagram child sometimes lost
    # its answer to a broken pipe under load).
    code = ("import socket, sys\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
            "answer = (sys.argv[2] + '\\n').encode()\n"
            "while True:\n"
            "    _, peer = s.recvfrom(2048)\n"
            "    s.sendto(answer, peer)\n")
    servers = [lab.popen(f"real{n}", ["/usr/bin/python3", "-c", code, str(port), f"real{n}"])
               for n in (1, 2, 3)]

    def listening(host):
        assert lab.run(host, ["ss", "-Hlun", f"sport = :{port}"]).stdout.strip(), f"{host}: not yet"
    for n in (1, 2, 3):
        eventually(lambda: listening(f"real{n}"), timeout=10)
    return servers


def start_peer_echo(lab, host, port):
    """A TCP server on `host` answering each connection with the address it came from (what a
    server behind NAT sees); returns the process once it listens."""
    server = lab.popen(host, ["socat", f"TCP4-LISTEN:{port},reuseaddr,fork", "SYSTEM:echo $SOCAT_PEERADDR"])

    def listening():
        assert lab.run(host, ["ss", "-Hltn", f"sport = :{port}"]).stdout.strip(), f"{host}: not yet"
    try:
        eventually(listening, timeout=10)
    except BaseException:
        server.kill()
        raise
    return server


@contextlib.contextmanager
def running(daemon, *servers):
    """Starts `daemon` (a Vlbd) and yields it; then kills `servers` (processes, or callables
    returning one, started after vlbd), stops vlbd and checks it exited 0 after SIGTERM."""
    started = []
    try:
        daemon.start()
        for s in servers:
            started.append(s() if callable(s) else s)
    except BaseException:
        for p in started:
            p.kill()
        daemon.stop()
        raise
    try:
        yield daemon
    finally:
        for p in started:
            p.kill()
        rc = daemon.stop()
    assert rc == 0, f"vlbd exit code {rc} after SIGTERM (None: killed)\n{daemon.log_text()}"
