"""Source-IP persistence of an L4 virtual service, through the real vlbd in the lab."""
import collections

from conftest import Vlbd, lab_config
from test_l4_services import REALS, VIP, get


def test_source_persistence_holds_each_client_on_one_real(lab):
    """Round robin with source-IP persistence: each client stays on one real, while the same
    service without persistence spreads one client over all reals."""
    config = lab_config(lab.prefix)
    config["virtual_services"] = [
        {"name": "sticky", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "persistence": {"mode": "source-ip", "timeout_s": 600},
         "reals": [{"address": a} for a in REALS]},
        {"name": "plain", "vip": VIP, "protocol": "tcp", "port": 81, "scheduler": "rr",
         "reals": [{"address": a, "port": 80} for a in REALS]},
    ]
    daemon = Vlbd(lab, config).start()
    try:
        held = {}
        for host in ("client1", "client2"):
            answers = collections.Counter(get(lab, f"http://{VIP}/", host=host) for _ in range(12))
            assert len(answers) == 1, f"{host} was spread over {answers}"
            held[host] = next(iter(answers))
        assert held["client1"] != held["client2"], "round robin gives the second client another real"
        spread = collections.Counter(get(lab, f"http://{VIP}:81/") for _ in range(6))
        assert len(spread) == 3, "without persistence the same client is spread"
    finally:
        assert daemon.stop() == 0, daemon.log_text()
