"""Sends malformed frames out of an interface: send_frames.py IFACE DST_MAC KIND COUNT.

Run inside a lab namespace (ip netns exec). Frames are built with scapy and written with a raw
packet socket so that their length is exact (scapy's sendp pads short frames). Prints one JSON
object: {"sent": N} or {"error": "..."}.
"""
import json
import socket
import struct
import sys

from scapy.all import IP, UDP, Ether, Raw, get_if_hwaddr
from scapy.utils import checksum


def set_checksum(ip, header_len=20):
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", checksum(bytes(ip[:header_len])))


def frame(iface, dst_mac, kind):
    eth = bytes(Ether(dst=dst_mac, src=get_if_hwaddr(iface), type=0x0800))
    ip = bytearray(bytes(IP(src="198.51.100.10", dst="192.0.2.11", ttl=64)
                         / UDP(sport=40000, dport=9) / Raw(b"x" * 32)))
    if kind == "bad_ipv4_checksum":
        ip[10:12] = struct.pack("!H", struct.unpack("!H", ip[10:12])[0] ^ 0x5555)
    elif kind == "bad_ipv4_header":   # IHL 4: a 16-byte header
        ip[0] = 0x44
        set_checksum(ip)
    elif kind == "bad_version":       # version 6 in an IPv4 ethertype
        ip[0] = 0x65
        set_checksum(ip)
    elif kind == "bad_ipv4_length":   # total length says 100 bytes more than the frame carries
        ip[2:4] = struct.pack("!H", len(ip) + 100)
        set_checksum(ip)
    elif kind == "truncated":         # an Ethernet header and two bytes of IPv4
        return eth + bytes(ip[:2])
    elif kind == "runt":              # 10 bytes: not even an Ethernet header
        return eth[:10]
    else:
        raise SystemExit(f"unknown kind {kind}")
    return eth + bytes(ip)


def main():
    iface, dst_mac, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    data = frame(iface, dst_mac, kind)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    try:
        for _ in range(count):
            s.send(data)
            sent += 1
    except OSError as e:
        print(json.dumps({"error": str(e), "sent": sent, "length": len(data)}))
        return
    print(json.dumps({"sent": sent, "length": len(data)}))


if __name__ == "__main__":
    main()
