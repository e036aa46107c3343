"""Static NAT (1:1) through the real vlbd in the lab: a client reaches a private real through its
public address (the real sees the client's address), the real's own connections leave from the
public address, ping crosses it, the kernel twin answers ARP for it, and a commit removes and adds
it back live."""
import collections
import subprocess

import pytest

from conftest import running, start_peer_echo, Vlbd, eventually, lab_config, vlbsh_exe

PUBLIC = "203.0.113.20"
PRIVATE = "192.0.2.12"  # real2
CLIENT = "198.51.100.10"  # client1
ECHO_PORT = 8081


@pytest.fixture(scope="module")
def nat(lab):
    config = lab_config(lab.prefix)
    config["static_nats"] = [{"public": PUBLIC, "private": PRIVATE}]
    with running(Vlbd(lab, config), lambda: start_peer_echo(lab, "client1", ECHO_PORT)) as daemon:
        yield daemon


def get(lab, url, host="client1"):
    return lab.run(host, ["curl", "-s", "--fail", "--max-time", "5", url], timeout=15).stdout.strip()


def access_log_clients(lab, real):
    log = lab.state / f"real{real}" / "logs" / "access.log"
    return collections.Counter(line.split()[0] for line in log.read_text().splitlines())


def counters(daemon):
    nats = daemon.sh("show", "static-nats")["static_nats"]
    assert [(n["public"], n["private"]) for n in nats] == [(PUBLIC, PRIVATE)], nats
    return nats[0]


def shell(daemon, script):
    p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"


def twin_addresses(lab):
    return {a["local"] for link in lab.json("lb", ["ip", "-j", "addr", "show", "dev", "ext"])
            for a in link["addr_info"]}


def test_client_reaches_the_private_real_through_the_public_address(nat):
    lab = nat.lab
    before = access_log_clients(lab, 2)
    packets_before = counters(nat)["packets_in"]
    assert get(lab, f"http://{PUBLIC}/") == "real2"

    def logged():
        grown = access_log_clients(lab, 2) - before
        assert grown == {CLIENT: 1}, f"the real sees the client's own address: {grown}"
    eventually(logged, timeout=5)
    c = counters(nat)
    assert c["packets_in"] >= packets_before + 3, c  # at least SYN, ACK, request
    assert c["packets_out"] > 0, c  # the real's answers left through the NAT


def test_the_reals_own_connection_leaves_from_the_public_address(nat):
    out = nat.lab.run("real2", ["socat", "-T", "5", "-", f"TCP4:{CLIENT}:{ECHO_PORT}"],
                      stdin=subprocess.DEVNULL, timeout=15).stdout.strip()
    assert out == PUBLIC


def test_ping_crosses_the_nat_both_ways(nat):
    before = counters(nat)
    nat.lab.run("client1", ["ping", "-c", "3", "-i", "0.2", "-W", "2", PUBLIC], timeout=15)
    nat.lab.run("real2", ["ping", "-c", "3", "-i", "0.2", "-W", "2", CLIENT], timeout=15)
    after = counters(nat)
    # Translated by the datapath (the kernel answering for the public address would not count).
    assert after["packets_in"] >= before["packets_in"] + 6, after  # requests in, replies back
    assert after["packets_out"] >= before["packets_out"] + 6, after


def test_the_kernel_twin_answers_arp_for_the_public_address(nat):
    lab = nat.lab
    # client2 takes the public address as on-link: it must ARP for it, and the twin answers.
    lab.run("client2", ["ip", "route", "replace", f"{PUBLIC}/32", "dev", "eth0"])
    try:
        assert get(lab, f"http://{PUBLIC}/", host="client2") == "real2"
        neighbours = lab.json("client2", ["ip", "-j", "neigh", "show", PUBLIC])
        assert neighbours and neighbours[0].get("lladdr"), neighbours
    finally:
        lab.run("client2", ["ip", "route", "del", f"{PUBLIC}/32", "dev", "eth0"], check=False)


def test_a_commit_removes_and_adds_the_static_nat_live(nat):
    lab = nat.lab
    assert PUBLIC in twin_addresses(lab)
    shell(nat, f"delete static-nat {PUBLIC}; commit")
    assert nat.sh("show", "static-nats")["static_nats"] == []
    assert PUBLIC not in twin_addresses(lab)
    r = lab.run("client1", ["curl", "-s", "--max-time", "3", f"http://{PUBLIC}/"], check=False, timeout=10)
    assert r.returncode != 0, "no static NAT: nothing answers on the public address"

    shell(nat, f"set static-nat {PUBLIC} private {PRIVATE}; commit")
    assert PUBLIC in twin_addresses(lab)
    assert eventually(lambda: get(lab, f"http://{PUBLIC}/"), timeout=10) == "real2"
