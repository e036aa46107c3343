"""The management shell against the real vlbd: a service created with set and commit carries
traffic, is changed, compared and rolled back; commit confirmed reverts on its own; the running
configuration survives a restart, and a corrupt saved file falls back to the last good revision;
an operator may look and drain reals but not change the configuration; two editors cannot
overwrite each other's work."""
import collections
import json
import shutil
import socket
import threading
import subprocess
import time

import pytest

from conftest import Vlbd, eventually, lab_config, vlbsh_exe

VIP = "203.0.113.20"


@pytest.fixture(scope="module")
def appliance(lab):
    state = lab.state / "vlbd-state"
    shutil.rmtree(state, ignore_errors=True)
    daemon = Vlbd(lab, lab_config(lab.prefix), args=["--state-dir", str(state)]).start()
    daemon.state = state
    try:
        yield daemon
    finally:
        rc = daemon.stop()
        assert rc == 0, daemon.log_text()


def shell(daemon, script, check=True, user=None):
    """vlbsh -c SCRIPT (as `user` when given); returns the CompletedProcess."""
    argv = [vlbsh_exe(), "--socket", daemon.socket, "-c", script]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if check:
        assert p.returncode == 0, f"{script!r}: {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def get(lab, url):
    r = lab.run("client1", ["curl", "-s", "--max-time", "3", url], check=False, timeout=10)
    return r.stdout.strip() if r.returncode == 0 else None


def test_create_a_service_and_traffic_flows(appliance):
    shell(appliance, f"set virtual-service shop vip {VIP} protocol tcp port 80 scheduler rr; "
                     "set virtual-service shop real 192.0.2.11:80; "
                     "set virtual-service shop real 192.0.2.12:80; commit check; commit comment 'shop'")
    answers = collections.Counter(get(appliance.lab, f"http://{VIP}/") for _ in range(6))
    assert answers == {"real1": 3, "real2": 3}, answers
    running = shell(appliance, "show running-config").stdout
    assert "set virtual-service shop real 192.0.2.12:80" in running
    # Output pipes: only the lines of the reals, then their count.
    reals = shell(appliance, "show running-config | match 'shop real'").stdout.splitlines()
    assert reals == [l for l in running.splitlines() if "shop real" in l] and len(reals) == 2, reals
    assert shell(appliance, "show running-config | match shop | count").stdout.strip() == \
        f"Count: {sum('shop' in l for l in running.splitlines())} lines"


def test_modify_compare_and_rollback(appliance):
    shell(appliance, "set virtual-service shop real 192.0.2.12:80 state disabled; commit")
    assert {get(appliance.lab, f"http://{VIP}/") for _ in range(4)} == {"real1"}
    # A candidate shows its difference before it is committed, and discard drops it.
    diff = shell(appliance, "set virtual-service shop real 192.0.2.13:80; compare").stdout
    assert "+ set virtual-service shop real 192.0.2.13:80" in diff, diff
    # rollback 1 (the revision before the last commit) brings real2 back.
    shell(appliance, "rollback 1; commit comment 'undo the drain'")
    assert {get(appliance.lab, f"http://{VIP}/") for _ in range(4)} == {"real1", "real2"}
    history = json.loads(subprocess.run([vlbsh_exe(), "--socket", appliance.socket, "--json", "show",
                                         "system", "commit"], capture_output=True, text=True,
                                        timeout=10).stdout)["revisions"]
    assert history[0]["comment"] == "undo the drain" and len(history) >= 4


def test_commit_confirmed_reverts_unless_confirmed(appliance):
    shell(appliance, "delete virtual-service shop real 192.0.2.11:80; commit confirmed 3s")
    assert {get(appliance.lab, f"http://{VIP}/") for _ in range(3)} == {"real2"}

    def reverted():
        assert {get(appliance.lab, f"http://{VIP}/") for _ in range(4)} == {"real1", "real2"}
    eventually(reverted, timeout=15, interval=0.5)
    assert "commit confirmed was not confirmed in time" in appliance.log_text()
    # Confirmed in time, a change stays.
    shell(appliance, "set virtual-service shop real 192.0.2.13:80; commit confirmed 3s; commit")

    def real3_reached():
        assert "real3" in {get(appliance.lab, f"http://{VIP}/") for _ in range(6)}
    eventually(real3_reached, timeout=5)
    time.sleep(4)  # past the 3 s the confirmed commit had: nothing may be rolled back now
    real3_reached()
    assert appliance.log_text().count("commit confirmed was not confirmed") == 1


def test_a_hundred_commits_under_load_lose_no_request(appliance):
    """Other services are added, changed and removed, and this one's weights change, while a
    client fetches through it without pause: not one request fails."""
    lab = appliance.lab
    shell(appliance, f"set virtual-service shop vip {VIP} protocol tcp port 80 real 192.0.2.11:80; "
                     "set virtual-service shop real 192.0.2.12:80; commit")
    results = []
    stop = threading.Event()

    def load():
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            results.append(get(lab, f"http://{VIP}/"))

    loader = threading.Thread(target=load)
    loader.start()
    session = Session(appliance.socket)
    try:
        for i in range(100):
            if i % 4 == 0:
                edit = f"set virtual-service other{i} vip 203.0.113.21 protocol tcp port {1000 + i} " \
                       "real 192.0.2.13:80"
            elif i % 4 == 1:
                edit = f"delete virtual-service other{i - 1}"
            elif i % 4 == 2:
                edit = f"set virtual-service shop real 192.0.2.11:80 weight {1 + i % 5}"
            else:
                edit = "set virtual-service shop scheduler " + ("wrr" if i % 8 == 3 else "rr")
            assert session.ask(*edit.split())["ok"], edit
            done = len(results)
            reply = session.ask("commit")
            assert reply["ok"] and reply["result"]["committed"], reply
            # Paced by the load: at least one request completes after each commit.
            deadline = time.monotonic() + 10
            while len(results) <= done and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        stop.set()
        loader.join(timeout=30)
    failed = [r for r in results if r is None]
    assert len(results) >= 100 and not failed, f"{len(failed)} of {len(results)} requests failed"


def test_bad_edits_are_refused_with_the_reason_and_change_nothing(appliance):
    before = shell(appliance, "show running-config").stdout
    cases = [
        ("set virtual-service shop real 192.0.2.11:80 weight heavy", '"weight": "heavy"'),
        ("set virtual-service shop vip 203.0.113.300", "203.0.113.300"),
        ("set virtual-service shop scheduler fastest", "fastest"),
        ("delete virtual-service nosuch", "nosuch"),
        ("set nonsense 1", "nonsense"),
    ]
    for script, reason in cases:
        p = shell(appliance, script, check=False)
        assert p.returncode != 0 and reason in p.stderr, (script, p.stderr)
    # A relation only commit check can see: a second service on the same VIP and port.
    p = shell(appliance, f"set virtual-service twin vip {VIP} protocol tcp port 80 real 192.0.2.11:80; "
                         "commit", check=False)
    assert p.returncode != 0 and "twin" in p.stderr, p.stderr
    assert shell(appliance, "show running-config").stdout == before


class Session:
    """One control connection held open: a session with its own candidate, as vlbsh -i keeps."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.reader = self.sock.makefile("r")

    def ask(self, *words):
        self.sock.sendall((json.dumps({"command": list(words)}) + "\n").encode())
        return json.loads(self.reader.readline())


def test_two_editors_cannot_overwrite_each_other(appliance):
    a = Session(appliance.socket)
    reply = a.ask("set", "virtual-service", "shop", "idle-timeout-s", "600")
    assert reply["ok"] and reply["candidate_changed"] is True
    shell(appliance, "set virtual-service shop idle-timeout-s 900; commit")  # editor B
    refused = a.ask("commit")
    assert not refused["ok"] and "changed since this candidate began" in refused["error"], refused
    assert "idle-timeout-s 900" in shell(appliance, "show running-config").stdout
    assert a.ask("discard")["ok"] and a.ask("show", "candidate")["candidate_changed"] is False


def test_operator_may_drain_but_not_configure(appliance):
    subprocess.run(["groupadd", "-f", "vlbops"], check=True)
    if subprocess.run(["id", "vlbtestop"], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-N", "-G", "vlbops", "vlbtestop"], check=True)
    p = shell(appliance, "set virtual-service shop port 81; commit", check=False, user="vlbtestop")
    assert p.returncode != 0
    assert '"set" needs the admin role; vlbtestop is operator (group vlbops)' in p.stderr, p.stderr
    shell(appliance, "show virtual-service shop", user="vlbtestop")
    shell(appliance, "disable real-server shop 192.0.2.13:80; enable real-server shop 192.0.2.13:80",
          user="vlbtestop")


def test_restart_runs_the_committed_config_and_survives_a_corrupt_file(appliance):
    committed = shell(appliance, "show running-config").stdout
    assert appliance.stop() == 0
    appliance.start()
    assert shell(appliance, "show running-config").stdout == committed
    assert {get(appliance.lab, f"http://{VIP}/") for _ in range(6)} >= {"real1", "real2"}

    assert appliance.stop() == 0
    (appliance.state / "running.json").write_text('{"ports": [ this is not json')
    appliance.start()
    assert "WARNING" in appliance.log_text() and "running.json" in appliance.log_text()
    assert shell(appliance, "show running-config").stdout == committed


def test_import_a_pfx_certificate_and_use_it(appliance):
    lab = appliance.lab
    work = lab.state / "pfx"
    work.mkdir(exist_ok=True)
    key, crt, pfx = work / "k.pem", work / "c.pem", work / "mail.pfx"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(crt), "-days", "30", "-subj", "/CN=mail.example.com"],
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "pkcs12", "-export", "-in", str(crt), "-inkey", str(key), "-out", str(pfx),
                    "-passout", "pass:s3cret"], check=True, capture_output=True, timeout=30)
    p = shell(appliance, f"import certificate mail pfx {pfx} password wrong", check=False)
    assert p.returncode != 0 and "password" in p.stderr, p.stderr
    shell(appliance, f"import certificate mail pfx {pfx} password s3cret; "
                     "set l7-service owa address 203.0.113.40 port 443 protocol https certificates mail; "
                     "set l7-service owa pool ex real 192.0.2.11:80; "
                     "set l7-service owa rule all match path-prefix /; set l7-service owa rule all action pool ex; "
                     "commit comment 'owa with an imported certificate'")
    key_file = appliance.state / "certs" / "mail.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    certs = json.loads(subprocess.run([vlbsh_exe(), "--socket", appliance.socket, "--json", "show",
                                       "certificates"], capture_output=True, text=True, timeout=10).stdout)
    assert "mail.example.com" in json.dumps(certs)
    out = lab.run("client1", ["curl", "-s", "-k", "--max-time", "5", "--resolve",
                              "mail.example.com:443:203.0.113.40", "https://mail.example.com/"], timeout=15)
    assert out.stdout.strip() == "real1"


def test_a_commit_refused_by_the_l7_part_changes_nothing(appliance):
    """The certificate file is unreadable only when the L7 engines load it, after the L4 part of
    the same commit was compiled: the whole commit is refused, the L4 service and both VIP
    addresses are not there."""
    lab = appliance.lab
    bad = lab.state / "not-a-cert.pem"
    bad.write_text("this is not PEM\n")
    before = shell(appliance, "show running-config").stdout
    edits = ("set virtual-service extra vip 203.0.113.41 protocol tcp port 80 real 192.0.2.11:80; "
             f"set certificate broken cert-file {bad} key-file {bad}; "
             "set l7-service web address 203.0.113.42 protocol https certificates broken; "
             "set l7-service web pool p real 192.0.2.11:80; "
             "set l7-service web default-action pool p")
    # commit check loads the certificates too, and says the same.
    p = shell(appliance, edits + "; commit check", check=False)
    assert p.returncode != 0 and "broken" in p.stderr, (p.stdout, p.stderr)
    shell(appliance, "discard")
    p = shell(appliance, edits + "; commit", check=False)
    assert p.returncode != 0 and "broken" in p.stderr, (p.stdout, p.stderr)
    shell(appliance, "discard")
    assert shell(appliance, "show running-config").stdout == before
    names = [s["name"] for s in appliance.sh("show", "virtual-services")["virtual_services"]]
    assert "extra" not in names
    addresses = lab.run("lb", ["ip", "-o", "addr", "show"]).stdout
    assert "203.0.113.41" not in addresses and "203.0.113.42" not in addresses, addresses
    assert get(lab, "http://203.0.113.41/") is None
