"""Sends one UDP datagram from a given source port and prints the first answer (or nothing after
the timeout): usage udp_ask.py HOST PORT SOURCE_PORT [TIMEOUT]."""
import socket
import sys

host, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
s.settimeout(timeout)
s.sendto(b"ping\n", (host, port))
try:
    data, _ = s.recvfrom(2048)
    print(data.decode(errors="replace").strip())
except (socket.timeout, ConnectionRefusedError) as e:
    print(f"no answer: {e!r}", file=sys.stderr)
    sys.exit(1)
