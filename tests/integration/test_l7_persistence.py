"""Persistence of L7 services through the real vlbd: a cookie holds one client on one real over
100 requests while a client without cookies is spread; source persistence holds each client
address; the cookie survives a commit that rebuilds the service."""
import collections
import json
import subprocess

from test_l7_proxy import VIP, base_config, make_cert, start_echo, start_vlbd, stop_all

REALS = [{"address": f"192.0.2.1{n}", "port": 8080} for n in (1, 2, 3)]


def servers(lab, url, count, *extra, host="client1"):
    """The `server` of each of `count` requests made by one curl (one connection, cookies kept
    between requests when a jar is given)."""
    args = ["curl", "-s", "-k", "--max-time", "30", "--resolve", f"www.example.com:443:{VIP}",
            "--resolve", f"www.example.com:80:{VIP}", *extra, "-w", "\n"]
    p = lab.run(host, args + [url] * count, timeout=60)
    out = [json.loads(line)["server"] for line in p.stdout.splitlines() if line.strip()]
    assert len(out) == count, p.stdout[-500:]
    return out


def test_cookie_and_source_persistence(lab):
    cert, key = make_cert(lab, "www.example.com")
    procs = [start_echo(lab, n, 8080, f"real{n}")[0] for n in (1, 2, 3)]
    services = [
        {"name": "cookie", "address": VIP, "protocol": "https", "certificates": ["www"],
         "pools": [{"name": "web", "scheduler": "rr", "reals": REALS}],
         "persistence": {"mode": "cookie", "cookie": "VLBID"}, "default_action": {"pool": "web"}},
        {"name": "source", "address": VIP, "protocol": "http", "port": 80,
         "pools": [{"name": "web", "scheduler": "rr", "reals": REALS}],
         "persistence": {"mode": "source", "prefix_length": 32, "timeout_s": 600},
         "default_action": {"pool": "web"}},
    ]
    daemon = start_vlbd(lab, base_config(lab, services, [{"name": "www", "cert_file": cert, "key_file": key}]))
    jar = lab.state / "jar.txt"
    try:
        held = servers(lab, "https://www.example.com/", 100, "-b", str(jar), "-c", str(jar))
        assert len(set(held)) == 1, collections.Counter(held)
        assert "VLBID" in jar.read_text()
        spread = servers(lab, "https://www.example.com/", 9)
        assert collections.Counter(spread) == {"real1": 3, "real2": 3, "real3": 3}

        # Source persistence: each client address stays on one real; the two differ (rr).
        by_client = {}
        for host in ("client1", "client2"):
            seen = servers(lab, "http://www.example.com/", 12, host=host)
            assert len(set(seen)) == 1, (host, collections.Counter(seen))
            by_client[host] = seen[0]
        assert by_client["client1"] != by_client["client2"]

        # A commit that rebuilds the service (a new pool weight) keeps the cookie and the table.
        p = subprocess.run(daemon.sh_argv()[:3] + ["-c", "set l7-service cookie pool web real 192.0.2.13:8080 weight 2; "
                                                   "set l7-service source pool web real 192.0.2.13:8080 weight 2; commit"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
        again = servers(lab, "https://www.example.com/", 20, "-b", str(jar), "-c", str(jar))
        assert set(again) == {held[0]}
        assert set(servers(lab, "http://www.example.com/", 5, host="client2")) == {by_client["client2"]}
    finally:
        stop_all(procs)
        assert daemon.stop() == 0, daemon.log_text()
