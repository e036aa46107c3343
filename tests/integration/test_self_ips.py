"""Traffic to the appliance's self IPs goes through the datapath to the kernel twin and back."""
import subprocess

from conftest import eventually

PORT = 7000
SELF = {"ext": ("client1", "198.51.100.1"), "int": ("real1", "192.0.2.1")}
CONNECT = ("import socket, sys\n"
           "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)\n"
           "s.settimeout(5)\n"
           "print(s.recv(100).decode(), end='')\n")


def counters(vlbd):
    return {i["name"]: i["counters"] for i in vlbd.sh("show", "interfaces")["interfaces"]}


def test_interfaces_are_up(vlbd):
    interfaces = {i["name"]: i for i in vlbd.sh("show", "interfaces")["interfaces"]}
    assert set(interfaces) == {"ext", "int"}
    for name, i in interfaces.items():
        assert i["link_up"] is True
        assert i["twin"] == name
        assert i["addresses"] == [vlbd.config["ports"][0 if name == "ext" else 1]["addresses"][0]]
        [link] = vlbd.lab.json("lb", ["ip", "-j", "link", "show", "dev", i["twin"]])
        [port] = vlbd.lab.json("lb", ["ip", "-j", "link", "show", "dev", name + "0"])
        assert link["address"] == port["address"] == i["mac"]


def test_ping_self_ips(vlbd):
    for host, address in SELF.values():
        vlbd.lab.run(host, ["ping", "-c", "3", "-W", "2", address], timeout=30)


def test_tcp_to_self_ips(vlbd):
    listener = vlbd.lab.popen("lb", ["socat", f"TCP-LISTEN:{PORT},reuseaddr,fork", "EXEC:echo hello"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: check_listening(vlbd.lab), timeout=10)
        for host, address in SELF.values():
            out = vlbd.lab.run(host, ["/usr/bin/python3", "-c", CONNECT, address, str(PORT)], timeout=20)
            assert out.stdout == "hello\n"
    finally:
        listener.kill()
        listener.wait(timeout=10)


def check_listening(lab):
    assert f":{PORT} " in lab.run("lb", ["ss", "-Hltn"]).stdout


def test_counters_count_punted_and_injected(vlbd):
    count = 5
    before = counters(vlbd)
    for host, address in SELF.values():
        vlbd.lab.run(host, ["ping", "-c", str(count), "-i", "0.2", "-W", "2", address], timeout=30)

    def grown():
        after = counters(vlbd)
        for port in SELF:
            for key in ("rx_packets", "punted", "tx_packets", "injected"):
                delta = after[port][key] - before[port][key]
                assert delta >= count, f"{port} {key} grew by {delta}, expected >= {count}"
            assert after[port]["rx_bytes"] - before[port]["rx_bytes"] >= count * 98
            assert after[port]["tx_bytes"] - before[port]["tx_bytes"] >= count * 98
    eventually(grown, timeout=5)
