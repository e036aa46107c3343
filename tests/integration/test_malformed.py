"""Malformed frames from a client are counted drops on "ext"; the appliance keeps working."""
import time
from pathlib import Path

import pytest

from conftest import eventually

SENDER = Path(__file__).resolve().parent / "send_frames.py"
COUNT = 7
TRUNCATED_REASONS = {"runt", "bad_ipv4_header", "bad_ipv4_length"}


def drops(vlbd):
    return vlbd.interface("ext")["drops"]


def send(vlbd, kind, count=COUNT):
    mac = vlbd.interface("ext")["mac"]
    return vlbd.lab.json("client1", ["/usr/bin/python3", str(SENDER), "eth0", mac, kind, str(count)])


def sent_and_counted(vlbd, kind, reasons):
    """Sends COUNT frames of `kind`; the drops with `reasons` (and only those) grow by exactly COUNT."""
    before = drops(vlbd)
    result = send(vlbd, kind)
    if "error" in result:
        return result

    def counted():
        after = drops(vlbd)
        grown = {r: after[r] - before[r] for r in after if after[r] != before[r]}
        assert sum(grown.get(r, 0) for r in reasons) == COUNT, f"{kind}: drops grew {grown}"
        return grown
    eventually(counted, timeout=5)
    time.sleep(0.5)  # nothing more may arrive later
    return {"grown": counted()}


@pytest.mark.parametrize("kind", ["bad_ipv4_checksum", "bad_ipv4_header", "bad_ipv4_length"])
def test_named_drop(vlbd, kind):
    assert set(drops(vlbd)) >= {"runt", "not_for_us", "bad_ipv4_header", "bad_ipv4_checksum",
                                "bad_ipv4_length", "no_route", "punt_ring_full", "tx_full"}
    result = sent_and_counted(vlbd, kind, {kind})
    assert "error" not in result, result


def test_wrong_ip_version(vlbd):
    result = sent_and_counted(vlbd, "bad_version", {"bad_ipv4_header"})
    assert "error" not in result, result


def test_truncated_ipv4_header(vlbd):
    result = sent_and_counted(vlbd, "truncated", TRUNCATED_REASONS)
    assert "error" not in result, result


# Frames shorter than an Ethernet header cannot be sent on a veth (the kernel refuses them), so
# the "runt" drop is shown by the component test with a real ethdev (DropsAreCountedByReason).


def test_still_working(vlbd):
    assert vlbd.sh("show", "version")["version"]
    vlbd.lab.run("client1", ["ping", "-c", "3", "-W", "2", "198.51.100.1"], timeout=30)
    out = vlbd.lab.run("client1", ["curl", "-s", "--max-time", "10", "http://192.0.2.11/"], timeout=20)
    assert out.stdout == "real1\n"
