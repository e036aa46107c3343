"""TLS of the L7 proxy through the real vlbd: certificates chosen by SNI, an RSA and an ECDSA
certificate for one name (an RSA-only client gets RSA, others ECDSA), and re-encryption to TLS
nginx reals with port translation 443 → 4443 and the request's Host as upstream SNI."""
import json
import subprocess

from test_l7_proxy import VIP, base_config, curl, make_cert, start_vlbd, wait_listening

VIP2 = "203.0.113.11"


def s_client(lab, servername, *extra, address=VIP):
    p = subprocess.run(lab.cmd("client1", ["openssl", "s_client", "-connect", f"{address}:443",
                                           "-servername", servername, *extra]),
                       input="", capture_output=True, text=True, timeout=20)
    return p.stdout + p.stderr


def start_tls_nginx(lab, n, cert, key):
    d = lab.state / f"tls{n}"
    (d / "www").mkdir(parents=True, exist_ok=True)
    (d / "logs").mkdir(exist_ok=True)
    (d / "www" / "index.html").write_text(f"tls-real{n}\n")
    conf = d / "nginx.conf"
    conf.write_text(f"""
user root root;
daemon on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    log_format tls '$remote_addr $ssl_protocol sni=$ssl_server_name host=$host "$request"';
    access_log {d}/logs/access.log tls;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 4443 ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        root {d}/www;
    }}
}}
""")
    lab.run(f"real{n}", ["nginx", "-q", "-c", str(conf), "-p", str(d), "-e", f"{d}/logs/error.log"])
    wait_listening(lab, f"real{n}", 4443)
    return d


def stop_tls_nginx(lab, n, d):
    pid = d / "nginx.pid"
    if pid.exists():
        lab.run(f"real{n}", ["kill", pid.read_text().strip()], check=False)


def test_sni_rsa_ecdsa_and_reencrypt(lab):
    mail_ec = make_cert(lab, "mail.example.com", "ec")
    mail_rsa = make_cert(lab, "mail.example.com", "rsa")
    lync = make_cert(lab, "lyncweb.example.com", "ec")
    internal = make_cert(lab, "exch.corp.test", "rsa")
    certificates = [
        {"name": "mail-ec", "cert_file": mail_ec[0], "key_file": mail_ec[1]},
        {"name": "mail-rsa", "cert_file": mail_rsa[0], "key_file": mail_rsa[1]},
        {"name": "lync", "cert_file": lync[0], "key_file": lync[1]},
    ]
    services = [
        {"name": "sni", "address": VIP, "protocol": "https",
         "certificates": ["mail-ec", "mail-rsa", "lync"],
         "default_action": {"respond": {"status": 200, "body": "sni-ok\n"}}},
        {"name": "reenc", "address": VIP2, "protocol": "https", "certificates": ["mail-ec"],
         "reencrypt": {"enabled": True},
         "pools": [{"name": "tls", "reals": [{"address": "192.0.2.11", "port": 4443},
                                              {"address": "192.0.2.12", "port": 4443}]}],
         "default_action": {"pool": "tls"}},
    ]
    dirs = {n: start_tls_nginx(lab, n, *internal) for n in (1, 2)}
    daemon = start_vlbd(lab, base_config(lab, services, certificates))
    try:
        # A default client offers ECDSA: it gets the ECDSA certificate.
        out = s_client(lab, "mail.example.com")
        assert "CN = mail.example.com" in out, out
        assert "Server public key is 256 bit" in out, out
        # An RSA-only client (TLS 1.2, RSA signatures only) gets the RSA one for the same name.
        out = s_client(lab, "mail.example.com", "-tls1_2", "-sigalgs", "RSA+SHA256")
        assert "Server public key is 2048 bit" in out, out
        code, body = curl(lab, "https://mail.example.com/", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256",
                          "--tls-max", "1.2", resolve=["mail.example.com:443"])
        assert (code, body) == (200, "sni-ok")
        # Another name gets its own certificate by SNI; an unknown name gets the default one.
        assert "CN = lyncweb.example.com" in s_client(lab, "lyncweb.example.com")
        assert "CN = mail.example.com" in s_client(lab, "unknown.example.net")

        # Re-encryption: 443 on the VIP → 4443 on the reals, SNI = the request's Host.
        served = set()
        for _ in range(4):
            code, body = curl(lab, "https://mail.example.com/", resolve=[f"mail.example.com:443:{VIP2}"])
            assert code == 200, body
            served.add(body)
        assert served == {"tls-real1", "tls-real2"}
        for n, d in dirs.items():
            lines = (d / "logs" / "access.log").read_text().splitlines()
            assert len(lines) == 2, lines
            for line in lines:
                assert line.startswith("192.0.2.1 TLSv1.") and "sni=mail.example.com" in line, line
                assert "host=mail.example.com" in line and '"GET / HTTP/1.1"' in line, line

        certs = {c["name"] or "generated": c for c in daemon.sh("show", "certificates")["certificates"]}
        assert set(certs) == {"mail-ec", "mail-rsa", "lync"}
        assert certs["mail-rsa"]["key_type"] == "RSA" and certs["mail-rsa"]["key_bits"] == 2048
        assert sorted(certs["mail-ec"]["services"]) == ["reenc", "sni"]
        reenc = daemon.sh("show", "l7-services", "reenc")["l7_services"][0]
        assert reenc["reencrypt"] is True
        assert [r["requests"] for r in reenc["pools"][0]["reals"]] == [2, 2]
    finally:
        for n, d in dirs.items():
            stop_tls_nginx(lab, n, d)
        assert daemon.stop() == 0, daemon.log_text()
