"""The appliance's own settings, live on commit: default gateway, host name, DNS servers, the
ports' self IPs, MTU and role. vlbd runs in its own UTS namespace and writes resolv.conf into the
lab's state directory: the host's name and /etc/resolv.conf are never touched."""
import os
import socket
import subprocess

import pytest

from conftest import running, Vlbd, eventually, lab_config, vlbsh_exe

OFF_LAB = "203.0.113.200"  # no VIP, no lab subnet: only a default route reaches it
GATEWAY = "192.0.2.13"     # real3 plays the gateway, with OFF_LAB on its loopback
HOST_NAME = socket.gethostname()
HOST_RESOLV_CONF = open("/etc/resolv.conf", "rb").read() if os.path.exists("/etc/resolv.conf") else None


def shell(daemon, script, check=True):
    p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                       text=True, timeout=30)
    if check:
        assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


@pytest.fixture(scope="module")
def daemon(lab):
    cfg = lab_config(lab.prefix)
    cfg["system"] = {"hostname": "vlb-sys-a", "dns_servers": ["192.0.2.53"]}
    with running(Vlbd(lab, cfg, wrapper=["unshare", "--uts"])) as d:
        yield d
    assert socket.gethostname() == HOST_NAME


def vlbd_hostname(daemon):
    return subprocess.run(["nsenter", "-t", str(daemon.proc.pid), "-u", "hostname"], capture_output=True,
                          text=True, timeout=10, check=True).stdout.strip()


def twin_addresses(lab, twin):
    [link] = lab.json("lb", ["ip", "-j", "-4", "addr", "show", "dev", twin])
    return {f'{a["local"]}/{a["prefixlen"]}' for a in link["addr_info"]}


def link_mtu(lab, dev):
    [link] = lab.json("lb", ["ip", "-j", "link", "show", "dev", dev])
    return link["mtu"]


def pings(lab, host, address):
    return lab.run(host, ["ping", "-c", "1", "-W", "1", address], check=False, timeout=10).returncode == 0


def test_hostname_and_resolv_conf_applied_at_start(daemon):
    assert vlbd_hostname(daemon) == "vlb-sys-a"
    assert daemon.resolv_conf.read_text().splitlines()[1:] == ["nameserver 192.0.2.53"]
    assert socket.gethostname() == HOST_NAME


def test_commit_changes_hostname_and_dns_servers(daemon):
    shell(daemon, "set system hostname vlb-sys-b; set system dns-servers 2001:db8::53; commit")
    assert vlbd_hostname(daemon) == "vlb-sys-b"
    assert daemon.resolv_conf.read_text().splitlines()[1:] == ["nameserver 192.0.2.53",
                                                               "nameserver 2001:db8::53"]
    shell(daemon, "delete system dns-servers 192.0.2.53; commit")
    assert daemon.resolv_conf.read_text().splitlines()[1:] == ["nameserver 2001:db8::53"]
    # Written through a temporary file renamed over it: none is left behind.
    assert [p.name for p in daemon.resolv_conf.parent.iterdir() if ".tmp." in p.name] == []
    assert socket.gethostname() == HOST_NAME
    if HOST_RESOLV_CONF is not None:
        assert open("/etc/resolv.conf", "rb").read() == HOST_RESOLV_CONF


def test_default_gateway_takes_off_lab_traffic(daemon):
    lab = daemon.lab
    lab.run("real3", ["ip", "addr", "add", f"{OFF_LAB}/32", "dev", "lo"])
    try:
        assert not pings(lab, "client1", OFF_LAB)  # no default route in the appliance yet
        shell(daemon, f"set system default-gateway {GATEWAY}; commit")
        [route] = lab.json("lb", ["ip", "-j", "-4", "route", "show", "default"])
        assert (route["gateway"], route["dev"]) == (GATEWAY, "int")
        # real3 answers for OFF_LAB only because the packet reached it: it is the gateway.
        eventually(lambda: _assert_pings(lab, "client1", OFF_LAB), timeout=15)
        shell(daemon, "delete system default-gateway; commit")
        assert lab.json("lb", ["ip", "-j", "-4", "route", "show", "default"]) == []
        eventually(lambda: _assert_no_ping(lab, "client1", OFF_LAB), timeout=10)
    finally:
        lab.run("real3", ["ip", "addr", "del", f"{OFF_LAB}/32", "dev", "lo"], check=False)


def _assert_pings(lab, host, address):
    assert pings(lab, host, address), f"{host} cannot ping {address}"


def _assert_no_ping(lab, host, address):
    assert not pings(lab, host, address), f"{host} still pings {address}"


def test_self_ip_added_and_removed_live(daemon):
    lab = daemon.lab
    assert not pings(lab, "client1", "198.51.100.2")
    shell(daemon, "set port ext addresses 198.51.100.2/24; commit")
    assert twin_addresses(lab, "ext") == {"198.51.100.1/24", "198.51.100.2/24"}
    eventually(lambda: _assert_pings(lab, "client1", "198.51.100.2"), timeout=10)
    assert daemon.interface("ext")["addresses"] == ["198.51.100.1/24", "198.51.100.2/24"]
    shell(daemon, "delete port ext addresses 198.51.100.2/24; commit")
    assert twin_addresses(lab, "ext") == {"198.51.100.1/24"}
    eventually(lambda: _assert_no_ping(lab, "client1", "198.51.100.2"), timeout=10)


def test_mtu_changes_live_and_a_refused_one_changes_nothing(daemon):
    lab = daemon.lab
    shell(daemon, "set port ext mtu 1400; commit")
    assert (link_mtu(lab, "ext"), link_mtu(lab, "ext0"), daemon.interface("ext")["mtu"]) == (1400, 1400, 1400)
    p = shell(daemon, "set port ext mtu 9000; commit", check=False)
    assert p.returncode != 0
    assert ('port "ext": field "mtu": 9000 needs larger packet buffers than vlbd started with '
            '(up to 2026); restart vlbd for it') in p.stdout + p.stderr
    assert (link_mtu(lab, "ext"), link_mtu(lab, "ext0"), daemon.interface("ext")["mtu"]) == (1400, 1400, 1400)
    shell(daemon, "set port ext mtu 1500; commit")
    assert (link_mtu(lab, "ext"), link_mtu(lab, "ext0")) == (1500, 1500)
    _assert_pings(lab, "client1", "198.51.100.1")


def test_role_changes_live_adding_a_port_is_refused(daemon):
    shell(daemon, "set port int role dmz; commit")
    assert daemon.interface("int")["role"] == "dmz"
    shell(daemon, "set port int role internal; commit")
    assert daemon.interface("int")["role"] == "internal"
    p = shell(daemon, "set port dmz role dmz devargs net_af_packet2,iface=dmz0; commit", check=False)
    assert p.returncode != 0
    assert ("ports: adding or removing a port needs a restart of vlbd (running: 2 ports, committed: 3)"
            in p.stdout + p.stderr)
    p = shell(daemon, "set port int devargs net_af_packet3,iface=int0; commit", check=False)
    assert 'port "int": changing its device or twin needs a restart of vlbd' in p.stdout + p.stderr
