"""Static routes of the configuration go into the kernel's main table through the twins, and the
datapath follows them, including a default route."""
import subprocess

from conftest import Vlbd, eventually, lab_config, vlbsh_exe

ROUTES = [
    {"destination": "0.0.0.0/0", "gateway": "198.51.100.11"},
    {"destination": "203.0.113.128/25", "gateway": "192.0.2.13"},
]


def kernel_routes(lab):
    routes = lab.json("lb", ["ip", "-j", "-4", "route", "show", "table", "main", "proto", "static"])
    return {(r["dst"], r.get("gateway"), r.get("dev")) for r in routes}


def test_configured_routes_are_installed_and_followed(lab):
    config = lab_config(lab.prefix)
    config["routes"] = ROUTES
    daemon = Vlbd(lab, config).start()
    try:
        assert kernel_routes(lab) == {("default", "198.51.100.11", "ext"),
                                      ("203.0.113.128/25", "192.0.2.13", "int")}

        def shown():
            routes = {(r["destination"], r["gateway"], r["interface"])
                      for r in daemon.sh("show", "routes")["routes"]}
            assert {("0.0.0.0/0", "198.51.100.11", "ext"),
                    ("203.0.113.128/25", "192.0.2.13", "int")} <= routes, routes
        eventually(shown, timeout=10)

        out = lab.run("client1", ["curl", "-s", "--max-time", "10", "http://192.0.2.11/"], timeout=20)
        assert out.stdout == "real1\n"
        assert daemon.interface("int")["counters"]["forwarded"] > 0
    finally:
        assert daemon.stop() == 0, daemon.log_text()
    # The routes leave with the twins.
    assert kernel_routes(lab) == set()


def test_routes_change_with_a_commit(lab):
    config = lab_config(lab.prefix)
    config["routes"] = ROUTES[1:]
    daemon = Vlbd(lab, config).start()
    try:
        script = "set route 0.0.0.0/0 gateway 198.51.100.11; delete route 203.0.113.128/25; commit"
        p = subprocess.run([vlbsh_exe(), "--socket", daemon.socket, "-c", script], capture_output=True,
                           text=True, timeout=20)
        assert p.returncode == 0, p.stderr
        assert kernel_routes(lab) == {("default", "198.51.100.11", "ext")}

        def shown():
            routes = {(r["destination"], r["gateway"]) for r in daemon.sh("show", "routes")["routes"]}
            assert ("0.0.0.0/0", "198.51.100.11") in routes and \
                ("203.0.113.128/25", "192.0.2.13") not in routes, routes
        eventually(shown, timeout=10)
    finally:
        assert daemon.stop() == 0, daemon.log_text()
