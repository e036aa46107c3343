"""802.1Q VLANs on the appliance's ports, through real vlbd in the lab: clients on VLANs of the
ext network (VLAN interfaces on their veths) reach the reals by routing and through an L4 VIP,
and a VLAN added by a commit works at once.

The VLAN sub-interfaces (the appliance's and the clients') need the kernel's 802.1Q support
(CONFIG_VLAN_8021Q). On a kernel without it, the tests that need it are skipped with that reason,
and what does not need it is still checked: tagged frames with an unknown VLAN id are dropped and
counted, and a commit adding a VLAN is refused with the reason, changing nothing."""
import json
import subprocess

import pytest

from conftest import running, Vlbd, eventually, lab_config, vlbsh_exe

VIP = "203.0.113.10"
# name, id, the appliance's self IP, the client, the client's address
VLAN100 = ("ext.100", 100, "203.0.113.129/26", "client1", "203.0.113.130/26")
VLAN200 = ("ext.200", 200, "203.0.113.193/26", "client2", "203.0.113.194/26")


def shell(daemon, script, check=True):
    p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                       text=True, timeout=30)
    if check:
        assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def client_on_vlan(lab, vlan):
    """A VLAN interface on the client's veth, routing the reals and the VIP through the appliance."""
    _, vid, self_ip, host, address = vlan
    dev = f"eth0.{vid}"
    gateway = self_ip.split("/")[0]
    lab.run(host, ["ip", "link", "add", "link", "eth0", "name", dev, "type", "vlan", "id", str(vid)])
    lab.run(host, f"ethtool -K {dev} tso off gso off gro off tx off rx off >/dev/null 2>&1 || true")
    lab.run(host, ["ip", "addr", "add", address, "dev", dev])
    lab.run(host, ["ip", "link", "set", "dev", dev, "up"])
    lab.run(host, ["ip", "route", "add", "192.0.2.0/24", "via", gateway, "dev", dev])
    lab.run(host, ["ip", "route", "add", f"{VIP}/32", "via", gateway, "dev", dev])


def kernel_has_8021q(lab):
    probe = lab.run("client1", ["ip", "link", "add", "link", "eth0", "name", "probe.9", "type", "vlan",
                                "id", "9"], check=False)
    lab.run("client1", ["ip", "link", "del", "probe.9"], check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def daemon(lab):
    cfg = lab_config(lab.prefix)
    cfg["virtual_services"] = [{"name": "web", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
                                "reals": [{"address": "192.0.2.11"}, {"address": "192.0.2.12"}]}]
    with running(Vlbd(lab, cfg)) as d:
        yield d


@pytest.fixture(scope="module")
def vlan100(daemon):
    """VLAN 100 committed on ext, client1 on it."""
    if not kernel_has_8021q(daemon.lab):
        pytest.skip("the kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q is not set)")
    name, vid, self_ip, _, _ = VLAN100
    shell(daemon, f"set vlan {name} port ext id {vid} addresses {self_ip}; commit")
    client_on_vlan(daemon.lab, VLAN100)
    return daemon


SEND_TAGGED = ("import sys\n"
               "from scapy.all import Dot1Q, Ether, IP, UDP, Raw, sendp\n"
               "vid, dst_mac, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])\n"
               "f = Ether(dst=dst_mac) / Dot1Q(vlan=vid) / IP(src='203.0.113.130', dst='192.0.2.11') "
               "/ UDP(sport=40000, dport=9) / Raw(b'x' * 32)\n"
               "sendp(f, iface='eth0', count=count, verbose=False)\n")


def test_an_unknown_vlan_is_dropped_and_counted(daemon):
    before = daemon.interface("ext")["drops"]["unknown_vlan"]
    daemon.lab.run("client1", ["/usr/bin/python3", "-c", SEND_TAGGED, "999", daemon.interface("ext")["mac"], "3"])
    eventually(lambda: _assert_grown(daemon, before + 3), timeout=10)


def _assert_grown(daemon, at_least):
    assert daemon.interface("ext")["drops"]["unknown_vlan"] >= at_least


def test_without_kernel_support_a_vlan_commit_is_refused(daemon):
    if kernel_has_8021q(daemon.lab):
        pytest.skip("the kernel has 802.1Q support: VLAN commits are accepted (tested below)")
    p = shell(daemon, "set vlan ext.300 port ext id 300 addresses 203.0.113.65/26; commit", check=False)
    assert p.returncode != 0
    assert ('vlans[0] "ext.300": the kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q)'
            in p.stdout + p.stderr), p.stdout + p.stderr
    assert "vlan" not in shell(daemon, "show running-config").stdout
    assert json.loads(subprocess.run(daemon.sh_argv("show", "interfaces"), capture_output=True, text=True,
                                     timeout=10).stdout)["vlans"] == []


def curl(lab, host, url, timeout=10):
    return lab.run(host, ["curl", "-s", "--fail", "--max-time", str(timeout), url], timeout=timeout + 10).stdout


def forwarded(daemon, port):
    return daemon.interface(port)["counters"]["forwarded"]


def vlans_shown(daemon):
    return {v["name"]: v for v in daemon.sh("show", "interfaces")["vlans"]}


def test_the_vlan_sub_interface_is_on_the_twin(vlan100):
    daemon = vlan100
    [link] = daemon.lab.json("lb", ["ip", "-j", "-d", "link", "show", "dev", "ext.100"])
    assert link["link"] == "ext"
    assert link["linkinfo"]["info_kind"] == "vlan" and link["linkinfo"]["info_data"]["id"] == 100
    shown = vlans_shown(daemon)["ext.100"]
    assert (shown["port"], shown["id"], shown["addresses"]) == ("ext", 100, ["203.0.113.129/26"])


def test_a_client_on_a_vlan_reaches_a_real_by_routing(vlan100):
    daemon = vlan100
    lab = daemon.lab
    daemon.lab.run("client1", ["ping", "-c", "2", "-W", "2", "203.0.113.129"], timeout=20)
    before = forwarded(daemon, "ext"), forwarded(daemon, "int")
    for _ in range(3):
        assert curl(lab, "client1", "http://192.0.2.11/") == "real1\n"
    # The real saw the VLAN address: the request was routed, not NATed.
    assert "203.0.113.130 " in (lab.state / "real1" / "logs" / "access.log").read_text()
    # After the first packets (which the kernel forwards while it resolves), the datapath routes
    # both ways: tags popped towards the real and pushed towards the client.
    after = forwarded(daemon, "ext"), forwarded(daemon, "int")
    assert after[0] - before[0] >= 6 and after[1] - before[1] >= 6, (before, after)


def test_a_client_on_a_vlan_reaches_an_l4_vip(vlan100):
    daemon = vlan100
    seen = {curl(daemon.lab, "client1", f"http://{VIP}/") for _ in range(4)}
    assert seen == {"real1\n", "real2\n"}


def test_a_vlan_added_by_a_commit_works_at_once_and_goes_with_a_delete(vlan100):
    daemon = vlan100
    lab = daemon.lab
    name, vid, self_ip, host, _ = VLAN200
    client_on_vlan(lab, VLAN200)
    try:
        shell(daemon, f"set vlan {name} port ext id {vid} addresses {self_ip}; commit")
        assert name in lab.link_names("lb")
        eventually(lambda: lab.run(host, ["ping", "-c", "1", "-W", "1", "203.0.113.193"], timeout=10),
                   timeout=15)
        assert curl(lab, host, "http://192.0.2.12/") == "real2\n"
        assert {curl(lab, host, f"http://{VIP}/") for _ in range(4)} == {"real1\n", "real2\n"}
        assert name in vlans_shown(daemon)
        running = shell(daemon, "show running-config").stdout
        assert f"set vlan {name} port ext" in running, running
        shell(daemon, f"delete vlan {name}; commit")
        assert name not in lab.link_names("lb")
        assert name not in vlans_shown(daemon)
    finally:
        lab.run(host, ["ip", "link", "del", "eth0.200"], check=False)
