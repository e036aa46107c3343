"""L7 transparent upstream source through the real vlbd: the proxy connects to the real from the
client's own address, the real (whose gateway is the appliance) answers to that address, and the
datapath hands the answer to the kernel, which delivers it to the proxy. The real's nginx logs the
client's address; a service without `transparent` shows the appliance's self IP. Removing the
service removes the kernel's policy rules."""
import collections
import json

from conftest import Vlbd, eventually, lab_config

VIP = "203.0.113.30"


def clients_logged(lab, real):
    log = lab.state / f"real{real}" / "logs" / "access.log"
    return collections.Counter(line.split()[0] for line in log.read_text().splitlines())


def get(lab, url, host):
    p = lab.run(host, ["curl", "-s", "--max-time", "5", "-w", " %{http_code}", url], check=False, timeout=15)
    return " ".join(p.stdout.split())


def rules(lab):
    return [r for r in lab.json("lb", ["ip", "-j", "rule", "show"]) if r.get("table") == "7438"]


def test_the_real_sees_the_client_address(lab):
    config = lab_config(lab.prefix)
    config["l7_services"] = [
        {"name": "see-client", "address": VIP, "protocol": "http", "port": 80, "transparent": True,
         "pools": [{"name": "web", "reals": [{"address": "192.0.2.11", "port": 80}]}],
         "default_action": {"pool": "web"}},
        {"name": "proxied", "address": VIP, "protocol": "http", "port": 8080,
         "pools": [{"name": "web", "reals": [{"address": "192.0.2.12", "port": 80}]}],
         "default_action": {"pool": "web"}},
    ]
    daemon = Vlbd(lab, config).start()
    try:
        assert [(r["src"], r.get("sport")) for r in rules(lab)] == [("192.0.2.11", 80)], rules(lab)
        before1, before2 = clients_logged(lab, 1), clients_logged(lab, 2)
        for host in ("client1", "client2"):
            assert get(lab, f"http://{VIP}/", host) == "real1 200"
            assert get(lab, f"http://{VIP}:8080/", host) == "real2 200"

        def logged():
            assert clients_logged(lab, 1) - before1 == {"198.51.100.10": 1, "198.51.100.11": 1}
            assert clients_logged(lab, 2) - before2 == {"192.0.2.1": 2}
        eventually(logged, timeout=5)

        # Many requests in a row: every answer comes back through the kernel to the proxy.
        answers = collections.Counter(get(lab, f"http://{VIP}/", "client1") for _ in range(20))
        assert answers == {"real1 200": 20}, answers

        # The service without `transparent`: its rules go with it.
        p = lab.run("lb", daemon.sh_argv()[:3] + ["-c", "delete l7-service see-client; commit"],
                    check=False, timeout=30)
        assert p.returncode == 0, p.stderr
        assert rules(lab) == []
        assert get(lab, f"http://{VIP}:8080/", "client1") == "real2 200"
    finally:
        assert daemon.stop() == 0, daemon.log_text()
    assert rules(lab) == []
