"""Content rules of an L7 service through the real vlbd: Exchange and Lync published on one VIP
with the Office Online Server path rule ordered before the host rules, an HTTP service that
redirects to HTTPS, and an unknown host answered 404 without reaching a real."""
import json

from test_l7_proxy import VIP, base_config, curl, make_cert, start_echo, start_vlbd, stop_all

NAMES = ["mail.example.com", "lyncweb.example.com", "oos.example.com", "other.test"]


def services():
    return [
        {"name": "redirect", "address": VIP, "protocol": "http",
         "rules": [{"name": "to-https",
                    "action": {"redirect": {"status": 301, "location": "https://{host}{uri}"}}}]},
        {"name": "publish", "address": VIP, "protocol": "https", "certificates": ["pub"],
         "pools": [{"name": "exchange", "reals": [{"address": "192.0.2.11", "port": 8080}]},
                   {"name": "lync", "reals": [{"address": "192.0.2.12", "port": 8080}]},
                   {"name": "oos", "reals": [{"address": "192.0.2.13", "port": 8080}]}],
         "rules": [
             # Lync's web service hands Office Online Server URLs out under its own host name:
             # the path rule must win over the host rule below it.
             {"name": "oos", "match": {"path_prefix": "/hosting"}, "action": {"pool": "oos"}},
             {"name": "oos-host", "match": {"host": "oos.example.com"}, "action": {"pool": "oos"}},
             {"name": "lync", "match": {"host": "lyncweb.example.com"}, "action": {"pool": "lync"}},
             {"name": "exchange", "match": {"host": "mail.example.com", "path_regex": "^/(owa|ecp|ews|mapi|Microsoft-Server-ActiveSync|autodiscover)(/|$)"},
              "action": {"pool": "exchange"}},
             {"name": "ecp-deny", "match": {"path_prefix": "/ecp"}, "action": {"deny": True}},
         ]},
    ]


def test_exchange_and_lync_layout(lab):
    cert, key = make_cert(lab, "mail.example.com", sans=NAMES[:3])
    procs = [start_echo(lab, n, 8080, name)[0] for n, name in ((1, "exchange"), (2, "lync"), (3, "oos"))]
    daemon = start_vlbd(lab, base_config(lab, services(), [{"name": "pub", "cert_file": cert, "key_file": key}]))
    try:
        resolve = [f"{n}:443" for n in NAMES] + [f"{n}:80" for n in NAMES]

        def served_by(url):
            code, body = curl(lab, url, resolve=resolve)
            assert code == 200, (url, code, body)
            return json.loads(body)["server"]

        assert served_by("https://lyncweb.example.com/hosting/discovery") == "oos"
        assert served_by("https://lyncweb.example.com/meet/alice/ABC") == "lync"
        assert served_by("https://oos.example.com/op/view.aspx") == "oos"
        assert served_by("https://mail.example.com/owa/") == "exchange"
        assert served_by("https://MAIL.example.com/Microsoft-Server-ActiveSync?Cmd=Sync") == "exchange"
        assert served_by("https://mail.example.com/hosting/x") == "oos"  # the path rule is first

        # Known host, unpublished path; unknown host: 404 from the proxy, nothing at the reals.
        logs = [lab.state / f"echo-{n}.log" for n in ("exchange", "lync", "oos")]
        before = [p.read_text() for p in logs]
        assert curl(lab, "https://mail.example.com/secret/", resolve=resolve)[0] == 404
        assert curl(lab, "https://other.test/owa/", resolve=resolve)[0] == 404
        assert [p.read_text() for p in logs] == before

        # HTTP → HTTPS redirect keeps host, path and query.
        p = lab.run("client1", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                                "--max-time", "5", "--resolve", f"mail.example.com:80:{VIP}",
                                "http://mail.example.com/owa/?a=1&b=2"], timeout=15)
        assert p.stdout == "301 https://mail.example.com/owa/?a=1&b=2"
        shown = {s["name"]: s for s in daemon.sh("show", "l7-services")["l7_services"]}
        assert shown["redirect"]["responses"]["3xx"] >= 1
        assert shown["publish"]["responses"]["4xx"] >= 2
    finally:
        stop_all(procs)
        assert daemon.stop() == 0, daemon.log_text()
