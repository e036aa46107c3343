"""Live changes to an L4 virtual service in the running vlbd: draining a real while a download
runs from it (the download finishes intact, no new flow goes there), and enabling it again."""
import collections
import hashlib
import subprocess

import pytest

from conftest import Vlbd, eventually, lab_config

VIP = "203.0.113.10"
REALS = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
NAME = {"192.0.2.11": "real1", "192.0.2.12": "real2", "192.0.2.13": "real3"}


@pytest.fixture(scope="module")
def l4(lab):
    config = lab_config(lab.prefix)
    config["virtual_services"] = [
        {"name": "web", "vip": VIP, "protocol": "tcp", "port": 80, "scheduler": "rr",
         "reals": [{"address": a} for a in REALS]},
    ]
    daemon = Vlbd(lab, config).start()
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        assert rc == 0, daemon.log_text()


def get(lab, url):
    return lab.run("client1", ["curl", "-s", "--fail", "--max-time", "5", url], timeout=15).stdout.strip()


def reals_of(daemon):
    return {r["address"]: r for r in daemon.sh("show", "virtual-service", "web")["real_servers"]}


def expected_sha256(lab, real):
    return hashlib.sha256((lab.state / real / "www" / "big.bin").read_bytes()).hexdigest()


def test_draining_a_real_keeps_its_download_and_sends_it_nothing_new(l4):
    lab = l4.lab
    # A slow 16 MiB download (about 8 s): it is still running when its real is drained.
    download = lab.popen("client1", ["sh", "-c", f"curl -s --fail --limit-rate 2M http://{VIP}/big.bin"
                                     " | sha256sum"], stdout=subprocess.PIPE, text=True)

    def busy_real():
        busy = [a for a, r in reals_of(l4).items() if r["active_connections"] == 1]
        assert len(busy) == 1, busy
        return busy[0]

    drained = eventually(busy_real, timeout=5)
    answer = l4.sh("disable", "real-server", "web", drained)
    assert answer["state"] == "disabled"
    assert reals_of(l4)[drained]["state"] == "disabled"
    assert reals_of(l4)[drained]["eligible"] is False

    answers = collections.Counter(get(lab, f"http://{VIP}/") for _ in range(12))
    others = {NAME[a] for a in REALS if a != drained}
    assert set(answers) == others and sum(answers.values()) == 12, answers
    assert download.poll() is None, "the download should still be running while the real drains"

    out, _ = download.communicate(timeout=60)
    assert download.returncode == 0
    assert out.split()[0] == expected_sha256(lab, NAME[drained])

    l4.sh("enable", "real-server", "web", drained)
    assert reals_of(l4)[drained]["state"] == "up"
    answers = collections.Counter(get(lab, f"http://{VIP}/") for _ in range(9))
    assert answers == {"real1": 3, "real2": 3, "real3": 3}, answers


def test_state_changes_are_refused_with_a_reason(l4):
    for words, message in [
        (("disable", "real-server", "nosuch", REALS[0]), 'no virtual service named "nosuch"'),
        (("disable", "real-server", "web", "192.0.2.99"), 'virtual service "web" has no real 192.0.2.99'),
        (("disable", "real-server", "web"), "usage: enable|disable|drain real-server"),
    ]:
        p = subprocess.run(l4.sh_argv(*words), capture_output=True, text=True, timeout=10)
        assert p.returncode != 0
        assert message in p.stderr, p.stderr
