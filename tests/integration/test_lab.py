"""scripts/lab: namespaces, addresses, coexistence of labs, cleanup."""
import json
import os
import signal
import time

from conftest import HOSTS, STATE_ROOT, Lab, lab_namespaces, lab_script, run

ADDRESSES = {
    "client1": "198.51.100.10/24",
    "client2": "198.51.100.11/24",
    "real1": "192.0.2.11/24",
    "real2": "192.0.2.12/24",
    "real3": "192.0.2.13/24",
}


def ipv4_addresses(lab, host, dev):
    links = lab.json(host, ["ip", "-j", "addr", "show", "dev", dev])
    return {f"{a['local']}/{a['prefixlen']}" for a in links[0]["addr_info"] if a["family"] == "inet"}


def test_up_creates_the_namespaces(lab):
    assert lab_namespaces(lab.prefix) == set(HOSTS)
    for host, address in ADDRESSES.items():
        assert ipv4_addresses(lab, host, "eth0") == {address}
        routes = lab.json(host, ["ip", "-j", "-4", "route", "show", "default"])
        gateway = "198.51.100.1" if host.startswith("client") else "192.0.2.1"
        assert [r["gateway"] for r in routes] == [gateway]
    assert (lab.state / "real1" / "www" / "index.html").read_text() == "real1\n"
    assert (lab.state / "big.bin").stat().st_size == 16 << 20


def test_appliance_ports_have_no_address_and_no_arp(lab):
    for dev in ("ext0", "int0"):
        [link] = lab.json("lb", ["ip", "-j", "addr", "show", "dev", dev])
        assert link["operstate"] in ("UP", "UNKNOWN")
        assert "NOARP" in link["flags"]
        assert link["addr_info"] == [], f"{dev} has addresses: {link['addr_info']}"
        filters = lab.run("lb", ["tc", "filter", "show", "dev", dev, "ingress"]).stdout
        assert filters.strip(), f"no ingress drop filter on {dev}"
    assert lab.run("lb", ["sysctl", "-n", "net.ipv4.ip_forward"]).stdout.strip() == "1"


def test_bridges_in_the_switch(lab):
    links = {link["ifname"]: link for link in lab.json("sw", ["ip", "-j", "-d", "link", "show"])}
    for bridge in ("br-ext", "br-int"):
        assert links[bridge]["linkinfo"]["info_kind"] == "bridge"
        assert links[bridge]["linkinfo"]["info_data"]["stp_state"] == 0
    members = {name: link.get("master") for name, link in links.items() if link.get("master")}
    assert list(members.values()).count("br-ext") == 3  # client1, client2, lb ext0
    assert list(members.values()).count("br-int") == 4  # lb int0, real1..3


def test_internal_segment_works(lab):
    lab.run("real1", ["ping", "-c", "2", "-W", "2", "192.0.2.12"], timeout=20)
    out = lab.run("real2", ["curl", "-s", "--max-time", "10", "http://192.0.2.11/"], timeout=20).stdout
    assert out == "real1\n"


def test_two_labs_coexist(lab):
    # lab.prefix is a prefix of the other lab's prefix: neither down may touch the other's namespaces.
    other = Lab(lab.prefix + "x")
    try:
        other.up()
        assert lab_namespaces(other.prefix) == set(HOSTS)
        assert lab_namespaces(lab.prefix) == set(HOSTS)
        for each in (lab, other):
            out = each.run("client1", ["ping", "-c", "1", "-W", "2", "198.51.100.11"], timeout=20)
            assert out.returncode == 0

        lab.down()
        assert lab_namespaces(lab.prefix) == set()
        assert lab_namespaces(other.prefix) == set(HOSTS)
        out = other.run("real1", ["curl", "-s", "--max-time", "10", "http://192.0.2.13/"], timeout=20)
        assert out.stdout == "real3\n"

        lab.up()
        other.down()
        assert lab_namespaces(other.prefix) == set()
        assert lab_namespaces(lab.prefix) == set(HOSTS)
        out = lab.run("real3", ["curl", "-s", "--max-time", "10", "http://192.0.2.12/"], timeout=20)
        assert out.stdout == "real2\n"
    finally:
        lab_script(other.prefix, "down", check=False)


def pids_in(lab, host):
    p = run(["ip", "netns", "pids", lab.ns(host)], check=False)
    return [int(pid) for pid in p.stdout.split()]


def test_down_after_a_crash_cleans_everything(lab):
    crashed = Lab(lab.prefix + "k")
    try:
        crashed.up()
        # A process that ignores SIGTERM, and an nginx master killed with SIGKILL (workers orphaned).
        stubborn = crashed.popen("real2", ["sh", "-c", "trap '' TERM; sleep 600 & wait"])
        master = int((crashed.state / "real1" / "nginx.pid").read_text())
        os.kill(master, signal.SIGKILL)
        time.sleep(0.3)
        leftovers = pids_in(crashed, "real1") + pids_in(crashed, "real2")
        assert leftovers, "expected processes in the crashed lab"

        crashed.down()
        assert stubborn.wait(timeout=10) is not None
        assert lab_namespaces(crashed.prefix) == set()
        assert not crashed.state.exists()
        for pid in leftovers:
            assert not os.path.exists(f"/proc/{pid}/ns/net"), f"pid {pid} survived down"
        crashed.down()  # twice is fine
        lab_script("z" + lab.prefix[1:], "down")  # a lab that never existed
    finally:
        lab_script(crashed.prefix, "down", check=False)


def test_nothing_in_the_root_namespace(lab):
    root_links = {link["ifname"] for link in json.loads(run(["ip", "-j", "link", "show"]).stdout)}
    for name in ("ext0", "int0", "lbext", "lbint", "c1", "c2", "r1", "r2", "r3", "br-ext", "br-int"):
        assert name not in root_links
    assert STATE_ROOT.joinpath(lab.prefix).is_dir()
