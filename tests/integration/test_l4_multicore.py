"""vlbd with two datapath lcores and two queues per port (af_packet fans packets out over them by
the kernel's flow hash): SNAT, transparent and UDP connections work, because each lcore hands the
packets of connections it does not own to the lcore that does (datapath/l4/steering.h)."""
import collections
import pathlib
import hashlib
import subprocess

import pytest

from conftest import Vlbd, lab_config, start_udp_name_servers

VIP = "203.0.113.10"
REALS = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
UDP_PORT = 5353
UDP_ASK = str(pathlib.Path(__file__).with_name("udp_ask.py"))


@pytest.fixture(scope="module")
def l4(lab):
    servers = start_udp_name_servers(lab, UDP_PORT)
    config = lab_config(lab.prefix)
    # Three lcores on the machine's two CPUs: the control thread and two datapath lcores.
    config["eal"]["lcores"] = "0@0,1@1,2@0"
    config["datapath"]["mbufs"] = 20479
    config["eal"]["memory_mb"] = 512
    for port in config["ports"]:
        port["devargs"] += ",qpairs=2"
    config["virtual_services"] = [
        {"name": "web", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "reals": [{"address": a} for a in REALS]},
        {"name": "web-transparent", "vip": VIP, "protocol": "tcp", "port": 8080, "snat": "none",
         "scheduler": "rr", "reals": [{"address": a, "port": 80} for a in REALS]},
        {"name": "echo", "vip": VIP, "protocol": "udp", "port": UDP_PORT, "scheduler": "rr",
         "reals": [{"address": a} for a in REALS]},
    ]
    daemon = Vlbd(lab, config).start()
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        for s in servers:
            s.kill()
        assert rc == 0, daemon.log_text()


def get(lab, url, host):
    return lab.run(host, ["curl", "-s", "--fail", "--max-time", "5", url], timeout=15).stdout.strip()


def test_two_datapath_lcores_are_running(l4):
    assert len(l4.sh("show", "version")["datapath_lcores"]) == 2


def test_snat_and_transparent_connections_from_many_clients(l4):
    for port in (80, 8080):
        answers = collections.Counter()
        for i in range(24):
            answers[get(l4.lab, f"http://{VIP}:{port}/", host=("client1", "client2")[i % 2])] += 1
        assert sum(answers.values()) == 24 and set(answers) == {"real1", "real2", "real3"}, answers


def test_udp_both_ways(l4):
    for i in range(12):
        out = l4.lab.run("client1", ["/usr/bin/python3", UDP_ASK, VIP, str(UDP_PORT), str(41000 + i)],
                         timeout=10).stdout.strip()
        assert out in ("real1", "real2", "real3"), i


def test_a_download_is_intact(l4):
    out = l4.lab.run("client2", ["sh", "-c", f"curl -s --fail http://{VIP}/big.bin | sha256sum"],
                     timeout=60).stdout.split()[0]
    assert out == hashlib.sha256((l4.lab.state / "big.bin").read_bytes()).hexdigest()


def test_packets_were_handed_between_lcores_and_none_lost(l4):
    ports = {i["name"]: i for i in l4.sh("show", "interfaces")["interfaces"]}
    assert sum(p["counters"]["handed_off"] for p in ports.values()) > 0
    for name, p in ports.items():
        lost = {k: v for k, v in p["drops"].items() if v and k in ("handoff_full", "l4_not_syn")}
        assert lost == {}, f"{name}: {lost}"
