"""SIGTERM stops vlbd cleanly: exit 0, twins and socket removed, no DPDK runtime files left."""
import signal
from pathlib import Path

from conftest import Vlbd, lab_namespaces, lab_script, run


def test_sigterm_cleans_up(lab):
    daemon = Vlbd(lab).start()
    try:
        assert {"ext", "int"} <= lab.link_names("lb")
        assert Path(daemon.socket).exists()
        lab.run("client1", ["ping", "-c", "2", "-W", "2", "198.51.100.1"], timeout=20)

        daemon.proc.send_signal(signal.SIGTERM)
        rc = daemon.proc.wait(timeout=15)
        assert rc == 0, f"exit code {rc}\n{daemon.log_text()}"
    finally:
        daemon.stop()

    links = lab.link_names("lb")
    assert not links & {"ext", "int"}, f"twins left behind: {links}"
    assert {"ext0", "int0"} <= links
    assert not Path(daemon.socket).exists()
    runtime = Path("/var/run/dpdk") / lab.prefix
    leftovers = sorted(str(p) for p in runtime.rglob("*")) if runtime.exists() else []
    assert leftovers == [], leftovers
    # ...and the lab goes away completely.
    lab_script(lab.prefix, "down")
    assert lab_namespaces(lab.prefix) == set()
    assert run(["ip", "netns", "pids", lab.ns("lb")], check=False).stdout == ""
