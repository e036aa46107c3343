"""L4 virtual services through the real vlbd in the lab: schedulers, SNAT automap and none, UDP,
drained reals, counters, and the VIP answering ping."""
import collections
import pathlib
import time

import pytest

from conftest import Vlbd, eventually, lab_config, start_udp_name_servers

VIP = "203.0.113.10"
REALS = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
UDP_PORT = 5353
UDP_ASK = str(pathlib.Path(__file__).with_name("udp_ask.py"))


def services():
    return [
        {"name": "web-rr", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "reals": [{"address": a} for a in REALS]},
        {"name": "web-wrr", "vip": VIP, "protocol": "tcp", "port": 81, "scheduler": "wrr",
         "reals": [{"address": REALS[0], "port": 80, "weight": 3},
                   {"address": REALS[1], "port": 80, "weight": 1},
                   {"address": REALS[2], "port": 80, "weight": 0}]},
        {"name": "web-transparent", "vip": VIP, "protocol": "tcp", "port": 8080, "snat": "none",
         "reals": [{"address": REALS[0], "port": 80}]},
        {"name": "web-drained", "vip": VIP, "protocol": "tcp", "port": 82,
         "reals": [{"address": REALS[0], "port": 80, "enabled": False},
                   {"address": REALS[1], "port": 80}]},
        {"name": "web-sh", "vip": VIP, "protocol": "tcp", "port": 83, "scheduler": "sh",
         "reals": [{"address": a, "port": 80} for a in REALS]},
        {"name": "nobody", "vip": VIP, "protocol": "tcp", "port": 84,
         "reals": [{"address": REALS[0], "port": 80, "enabled": False}]},
        {"name": "echo", "vip": VIP, "protocol": "udp", "port": UDP_PORT, "scheduler": "rr",
         "reals": [{"address": a} for a in REALS]},
    ]


@pytest.fixture(scope="module")
def l4(lab):
    servers = start_udp_name_servers(lab, UDP_PORT)
    config = lab_config(lab.prefix)
    config["virtual_services"] = services()
    daemon = Vlbd(lab, config).start()
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        for s in servers:
            s.kill()
        assert rc == 0, daemon.log_text()


def get(lab, url, host="client1"):
    return lab.run(host, ["curl", "-s", "--fail", "--max-time", "5", url], timeout=15).stdout.strip()


def service(daemon, name):
    return daemon.sh("show", "virtual-service", name)


def access_log_clients(lab, real):
    log = lab.state / f"real{real}" / "logs" / "access.log"
    return collections.Counter(line.split()[0] for line in log.read_text().splitlines())


def test_round_robin_spreads_evenly(l4):
    answers = collections.Counter(get(l4.lab, f"http://{VIP}/") for _ in range(30))
    assert answers == {"real1": 10, "real2": 10, "real3": 10}
    s = service(l4, "web-rr")
    assert s["connections"] == 30
    assert [r["connections"] for r in s["real_servers"]] == [10, 10, 10]
    assert s["packets_in"] > 0 and s["packets_out"] > 0


def test_weighted_round_robin_follows_weights(l4):
    answers = collections.Counter(get(l4.lab, f"http://{VIP}:81/") for _ in range(40))
    assert answers == {"real1": 30, "real2": 10}


def test_snat_automap_shows_the_self_ip_and_none_the_client(l4):
    lab = l4.lab
    before = access_log_clients(lab, 1)
    get(lab, f"http://{VIP}:8080/")
    get(lab, f"http://{VIP}:8080/", host="client2")
    for _ in range(3):
        get(lab, f"http://{VIP}/")  # round robin: real1 gets one of three

    def logged():
        grown = access_log_clients(lab, 1) - before
        assert grown == {"198.51.100.10": 1, "198.51.100.11": 1, "192.0.2.1": 1}, grown
    eventually(logged, timeout=5)


def test_drained_real_gets_no_new_flows(l4):
    answers = collections.Counter(get(l4.lab, f"http://{VIP}:82/") for _ in range(6))
    assert answers == {"real2": 6}


def test_source_hash_keeps_a_client_on_one_real(l4):
    for host in ("client1", "client2"):
        answers = {get(l4.lab, f"http://{VIP}:83/", host=host) for _ in range(8)}
        assert len(answers) == 1, f"{host} was spread over {answers}"


def test_service_without_eligible_real_refuses_with_a_reset(l4):
    before = service(l4, "nobody")["refused"]
    r = l4.lab.run("client1", ["curl", "-s", "--max-time", "5", f"http://{VIP}:84/"], check=False,
                   timeout=10)
    assert r.returncode == 7, "curl: connection refused at once (the appliance's reset)"
    assert service(l4, "nobody")["refused"] > before


def test_udp_both_ways_round_robin(l4):
    answers = collections.Counter()
    for i in range(6):
        # A fresh source port each time: each datagram is a new flow.
        out = l4.lab.run("client1", ["/usr/bin/python3", UDP_ASK, VIP, str(UDP_PORT), str(40000 + i)],
                         timeout=10).stdout.strip()
        answers[out] += 1
    assert answers == {"real1": 2, "real2": 2, "real3": 2}
    assert service(l4, "echo")["connections"] == 6


def test_vip_answers_ping(l4):
    l4.lab.run("client1", ["ping", "-c", "2", "-W", "2", VIP], timeout=15)


def test_no_packet_was_dropped_on_the_way(l4):
    for name in ("ext", "int"):
        drops = l4.interface(name)["drops"]
        unexpected = {k: v for k, v in drops.items() if v and k != "no_real"}
        assert unexpected == {}, f"{name}: {unexpected}"



def test_show_stats_and_show_drops_agree_with_the_details(l4):
    stats = l4.sh("show", "stats")
    services_total = sum(s["connections"] for s in l4.sh("show", "virtual-services")["virtual_services"])
    assert stats["l4_connections_opened"] == services_total > 0
    assert stats["flow_table_connections"] <= stats["flow_table_capacity"]
    drops = l4.sh("show", "drops")
    per_interface = {name: l4.interface(name)["drops"] for name in ("ext", "int")}
    for name, reasons in drops["by_interface"].items():
        assert reasons == {r: n for r, n in per_interface[name].items() if n}
    assert drops["drops"].get("no_real", 0) == sum(d["no_real"] for d in per_interface.values())


def test_new_connections_per_second_is_measured(l4):
    def rate_seen():
        for _ in range(10):
            get(l4.lab, f"http://{VIP}/")
        rate = service(l4, "web-rr")["connections_per_second"]
        assert rate > 0, rate
    eventually(rate_seen, timeout=10, interval=0.2)


def test_snat_ports_are_reserved_from_the_kernel(l4):
    """The kernel's own connections from the self IPs must never pick a SNAT port."""
    reserved = l4.lab.run("lb", ["sysctl", "-n", "net.ipv4.ip_local_reserved_ports"]).stdout.strip()
    assert reserved == "1024-32767"


def test_real_counters_add_up_to_the_service(l4):
    s = service(l4, "web-rr")
    reals = s["real_servers"]
    for field in ("connections", "packets_in", "bytes_in", "packets_out", "bytes_out"):
        assert sum(r[field] for r in reals) == s[field] > 0, field
    assert all(r["state"] == "up" for r in reals)


def test_connection_rates_are_sampled_per_service_and_real(l4):
    # A burst of connections, then the one-second sample shows them as a rate.
    for _ in range(10):
        get(l4.lab, f"http://{VIP}/")

    def rates_seen():
        s = service(l4, "web-rr")
        assert s["connections_per_second"] > 0
        assert sum(r["connections_per_second"] for r in s["real_servers"]) > 0
    eventually(rates_seen, timeout=3, interval=0.2)


def test_test_flow_names_the_real_a_consistent_hash_picks_and_traffic_agrees(l4):
    answer = l4.sh("test", "flow", "tcp", "198.51.100.10:45000", "->", f"{VIP}:83")
    assert answer["service"] == "web-sh" and answer["scheduler"] == "sh"
    real_address = answer["real"].split(":")[0]
    name = {"192.0.2.11": "real1", "192.0.2.12": "real2", "192.0.2.13": "real3"}[real_address]
    assert get(l4.lab, f"http://{VIP}:83/") == name  # sh: by client address, whatever the port
    nothing = l4.sh("test", "flow", "udp", "198.51.100.10:45000", "->", f"{VIP}:9999")
    assert nothing["service"] is None and "no virtual service" in nothing["why"]
    none_up = l4.sh("test", "flow", "tcp", "198.51.100.10:45000", "->", f"{VIP}:84")
    assert none_up["real"] is None and none_up["eligible_reals"] == []


def test_show_flows_lists_a_running_connection(l4):
    lab = l4.lab
    download = lab.popen("client2", ["curl", "-s", "-o", "/dev/null", "--limit-rate", "1M",
                                     f"http://{VIP}/big.bin"])
    try:
        def listed():
            flows = l4.sh("show", "flows", "service", "web-rr", "client", "198.51.100.11")["flows"]
            assert any(f["state"] == "established" and f["real"].startswith("192.0.2.") for f in flows), flows
            return flows
        flows = eventually(listed, timeout=5)
        assert all(f["client"].startswith("198.51.100.11:") and f["source"].startswith("192.0.2.1:")
                   for f in flows)
    finally:
        download.kill()
        download.wait(timeout=10)
    assert "running:" in "\n".join(l4.sh("show", "log")["lines"])
