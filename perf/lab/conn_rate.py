#!/usr/bin/python3
"""New connections per second through the real vlbd in the lab, one serial client: each request on
a new TCP connection (connect, GET, read to close). Three paths side by side in one run:
  routed  client → real, routed by the datapath (no service)
  l4      client → L4 VIP (DNAT + SNAT in the datapath)
  l7      client → L7 VIP (exception path to the kernel twin, the proxy, the twin back to the real)
A serial client measures latency per connection, i.e. how quickly each hop hands a packet on.

  sudo perf/lab/conn_rate.py [--seconds 3] [--build build]
Bounded: each path runs for --seconds (at most 20000 connections)."""
import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

CLIENT = r'''
import socket, sys, time
host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
req = ("GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n").encode()
done = failed = 0
end = time.monotonic() + seconds
while time.monotonic() < end and done + failed < 20000:
    try:
        s = socket.create_connection((host, port), timeout=2)
        s.sendall(req)
        got = b""
        while True:
            b = s.recv(65536)
            if not b: break
            got += b
        s.close()
        if got.startswith(b"HTTP/1.1 200"): done += 1
        else: failed += 1
    except OSError:
        failed += 1
print(done, failed)
'''


def measure(lab, address, port, seconds):
    out = lab.run("client1", ["/usr/bin/python3", "-c", CLIENT, address, str(port), str(seconds)],
                  timeout=seconds + 30).stdout.split()
    done, failed = int(out[0]), int(out[1])
    return done / seconds, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    os.environ.setdefault("VLBD", str(ROOT / args.build / "mgmt" / "daemon" / "vlbd"))
    os.environ.setdefault("VLBSH", str(ROOT / args.build / "mgmt" / "shell" / "vlbsh"))
    from conftest import Lab, Vlbd, lab_config, lab_script, random_prefix

    lab = Lab(random_prefix())
    daemon = None
    try:
        lab.up()
        config = lab_config(lab.prefix)
        reals = ["192.0.2.11", "192.0.2.12"]
        config["virtual_services"] = [
            {"name": "l4", "vip": "203.0.113.10", "protocol": "tcp", "port": 80,
             "reals": [{"address": a, "port": 80} for a in reals]}]
        config["l7_services"] = [
            {"name": "l7", "address": "203.0.113.20", "protocol": "http", "port": 80,
             "pools": [{"name": "web", "reals": [{"address": a, "port": 80} for a in reals]}],
             "default_action": {"pool": "web"}}]
        daemon = Vlbd(lab, config).start()
        print(f"{'path':8} {'conn/s':>8} {'failed':>6}")
        for name, address in (("routed", reals[0]), ("l4", "203.0.113.10"), ("l7", "203.0.113.20")):
            measure(lab, address, 80, 0.5)  # warm: ARP, pools
            rate, failed = measure(lab, address, 80, args.seconds)
            print(f"{name:8} {rate:8.0f} {failed:6d}")
    finally:
        if daemon:
            daemon.stop()
        lab_script(lab.prefix, "down", check=False)


if __name__ == "__main__":
    main()
