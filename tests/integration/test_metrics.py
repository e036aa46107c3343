"""Prometheus metrics of the running vlbd on its management address, scraped from the inside
network and parsed with the Prometheus client's own text parser."""
import collections

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import Vlbd, lab_config

VIP = "203.0.113.10"
METRICS = "192.0.2.1:9100"


@pytest.fixture(scope="module")
def appliance(lab):
    config = lab_config(lab.prefix)
    config["control"]["metrics_address"] = "192.0.2.1"
    config["control"]["metrics_port"] = 9100
    config["virtual_services"] = [
        {"name": "web", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "check": {"type": "tcp", "interval_s": 1},
         "reals": [{"address": a} for a in ("192.0.2.11", "192.0.2.12")]},
    ]
    config["l7_services"] = [
        {"name": "web7", "address": "203.0.113.30", "port": 80, "protocol": "http",
         "pools": [{"name": "all", "reals": [{"address": "192.0.2.11", "port": 80}]}],
         "rules": [{"name": "all", "match": {"path_prefix": "/"}, "action": {"pool": "all"}}]},
    ]
    config["static_nats"] = [{"public": "203.0.113.60", "private": "192.0.2.13"}]
    config["forwarding_services"] = [{"name": "real2-out", "source": "192.0.2.12/32", "snat": "none"}]
    daemon = Vlbd(lab, config).start()
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        assert rc == 0, daemon.log_text()


def scrape(lab):
    text = lab.run("real3", ["curl", "-s", "--fail", "--max-time", "5", f"http://{METRICS}/metrics"],
                   timeout=10).stdout
    samples = collections.defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[s.name][tuple(sorted(s.labels.items()))] = s.value
    return text, samples


def test_metrics_parse_and_count_what_was_sent(appliance):
    lab = appliance.lab
    for _ in range(6):
        lab.run("client1", ["curl", "-s", "--fail", "--max-time", "5", f"http://{VIP}/"], timeout=10)
    text, m = scrape(lab)
    assert m["vlb_service_connections_total"][(("service", "web"),)] == 6
    reals = {dict(k)["real"]: v for k, v in m["vlb_real_connections_total"].items()}
    assert reals == {"192.0.2.11:0": 3, "192.0.2.12:0": 3}
    assert m["vlb_port_rx_packets_total"][(("port", "ext"),)] > 0
    assert (("port", "ext"), ("reason", "no_route")) in m["vlb_port_dropped_packets_total"]
    assert all(0 <= v <= 1 for v in m["vlb_lcore_busy_ratio"].values())
    assert set(m["vlb_real_up"].values()) == {1.0}
    assert "198.51.100." not in text, "no client addresses as labels"
    assert "# TYPE vlb_service_connections_total counter" in text


def test_l7_requests_and_latency_histogram(appliance):
    lab = appliance.lab
    for _ in range(4):
        lab.run("client1", ["curl", "-s", "--fail", "--max-time", "5", "http://203.0.113.30/"], timeout=10)
    _, m = scrape(lab)
    assert m["vlb_l7_requests_total"][(("service", "web7"),)] == 4
    assert m["vlb_l7_responses_total"][(("class", "2xx"), ("service", "web7"))] == 4
    assert m["vlb_l7_request_duration_seconds_count"][(("service", "web7"),)] == 4
    inf = m["vlb_l7_request_duration_seconds_bucket"][(("le", "+Inf"), ("service", "web7"))]
    assert inf == 4


def test_metrics_server_refuses_other_paths(appliance):
    r = appliance.lab.run("real3", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                    f"http://{METRICS}/other"], timeout=10, check=False)
    assert r.stdout == "404"


def test_static_nat_and_forwarding_counters(appliance):
    lab = appliance.lab
    lab.run("client1", ["ping", "-c", "3", "-W", "2", "203.0.113.60"], timeout=15)  # to real3
    lab.run("real2", ["ping", "-c", "2", "-W", "2", "198.51.100.10"], timeout=15)
    _, m = scrape(lab)
    nat = {dict(k)["direction"]: v for k, v in m["vlb_static_nat_packets_total"].items()
           if dict(k)["public"] == "203.0.113.60"}
    assert nat["in"] >= 3 and nat["out"] >= 3, nat
    out = m["vlb_forwarding_packets_total"][(("direction", "out"), ("service", "real2-out"))]
    assert out >= 2, m["vlb_forwarding_packets_total"]
