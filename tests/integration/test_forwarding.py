"""Forwarding services through the real vlbd in the lab: internal hosts reach an external server
through the appliance, with SNAT automap (the server sees the appliance's self IP, replies are
un-NATed), connections from outside to the network keep working, and with snat none after a live
commit the server sees the internal address; with one datapath lcore and with two."""
import hashlib
import subprocess

import pytest

from conftest import running, start_peer_echo, Vlbd, eventually, lab_config, vlbsh_exe

SERVER = "198.51.100.10"  # client1 plays the external server
EXT_SELF = "198.51.100.1"
ECHO_PORT = 8082


@pytest.fixture(scope="module", params=["one-lcore", "two-lcores"])
def fwd(lab, request):
    config = lab_config(lab.prefix)
    if request.param == "two-lcores":
        # As test_l4_multicore: two datapath lcores, two queues per port; connections and their
        # replies meet on one lcore (datapath/l4/steering.h).
        config["eal"]["lcores"] = "0@0,1@1,2@0"
        config["datapath"]["mbufs"] = 20479
        config["eal"]["memory_mb"] = 512
        for port in config["ports"]:
            port["devargs"] += ",qpairs=2"
    config["forwarding_services"] = [{"name": "edge-out", "source": "192.0.2.0/24", "snat": "automap"}]
    with running(Vlbd(lab, config), lambda: start_peer_echo(lab, "client1", ECHO_PORT)) as daemon:
        yield daemon


def seen_as(lab, host):
    """The address the external server saw `host`'s connection come from."""
    return lab.run(host, ["socat", "-T", "5", "-", f"TCP4:{SERVER}:{ECHO_PORT}"],
                   stdin=subprocess.DEVNULL, timeout=15).stdout.strip()


def service(daemon):
    services = daemon.sh("show", "forwarding-services")["forwarding_services"]
    assert [s["name"] for s in services] == ["edge-out"], services
    return services[0]


def shell(daemon, script):
    p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"


def test_automap_shows_the_servers_the_self_ip(fwd):
    before = service(fwd)
    assert before["snat"] == "automap" and before["source"] == "192.0.2.0/24"
    assert seen_as(fwd.lab, "real1") == EXT_SELF
    assert seen_as(fwd.lab, "real3") == EXT_SELF
    after = service(fwd)
    assert after["connections"] == before["connections"] + 2, after
    assert after["packets_in"] > before["packets_in"], "the server's replies were un-NATed"
    assert after["packets_out"] > before["packets_out"], after


def test_a_download_through_automap_arrives_intact(fwd):
    # A bigger transfer: real1 fetches 16 MiB that client1 serves.
    lab = fwd.lab
    big = lab.state / "big.bin"
    server = lab.popen("client1", ["socat", "TCP4-LISTEN:8083,reuseaddr,fork", f"SYSTEM:cat {big}"])
    try:
        def listening():
            assert lab.run("client1", ["ss", "-Hltn", "sport = :8083"]).stdout.strip(), "not yet"
        eventually(listening, timeout=10)
        out = lab.run("real1", ["sh", "-c", f"socat -T 10 -u TCP4:{SERVER}:8083 STDOUT | sha256sum"],
                      timeout=40).stdout.split()[0]
        assert out == hashlib.sha256(big.read_bytes()).hexdigest()
    finally:
        server.kill()


def test_ping_through_automap(fwd):
    before = service(fwd)["connections"]
    fwd.lab.run("real2", ["ping", "-c", "2", "-i", "0.2", "-W", "2", SERVER], timeout=15)
    assert service(fwd)["connections"] >= before + 1, "echo flows are tracked like ports"


def test_connections_from_outside_to_the_network_still_work(fwd):
    # Routed to real1 as it is; its answers are replies of a tracked connection, not new
    # connections to translate (the client would drop answers from the self IP).
    before = service(fwd)
    out = fwd.lab.run("client1", ["curl", "-s", "--fail", "--max-time", "5", "http://192.0.2.11/"],
                      timeout=15).stdout.strip()
    assert out == "real1"
    fwd.lab.run("client1", ["ping", "-c", "2", "-i", "0.2", "-W", "2", "192.0.2.11"], timeout=15)
    after = service(fwd)
    assert after["connections"] >= before["connections"] + 2, after


def test_snat_none_shows_the_internal_address_after_a_live_commit(fwd):
    shell(fwd, "set forwarding-service edge-out snat none; commit")
    assert service(fwd)["snat"] == "none"
    before = service(fwd)["packets_out"]
    assert seen_as(fwd.lab, "real1") == "192.0.2.11"
    assert service(fwd)["packets_out"] > before, "counted though only routed"

    shell(fwd, "delete forwarding-service edge-out; commit")
    assert fwd.sh("show", "forwarding-services")["forwarding_services"] == []
    assert seen_as(fwd.lab, "real1") == "192.0.2.11", "plain routing"
