// A configuration using every object kind and most fields: Exchange and Lync publishing behind
// one appliance. Shared by the model and config tests; it must pass the config parser.
#pragma once

namespace vlb::testing {

inline constexpr const char* kFullConfig = R"json({
  "system": {"hostname": "vlb1.example.com", "dns_servers": ["192.0.2.53", "2001:db8::53"],
             "default_gateway": "198.51.100.254"},
  "eal": {"no_huge": true, "no_pci": true, "in_memory": true, "file_prefix": "vlb", "memory_mb": 256,
          "lcores": "0-1", "extra_args": ["--log-level=8"]},
  "control": {"socket": "/run/vlb/vlbd.sock", "metrics_address": "192.0.2.1", "metrics_port": 9100},
  "datapath": {"mbufs": 16383, "punt_ring_size": 1024, "idle_sleep_us": 50, "connections": 65536},
  "ports": [
    {"name": "ext", "role": "external", "devargs": "net_af_packet0,iface=ext0",
     "addresses": ["198.51.100.1/24", "2001:db8::1/64"], "mtu": 1500},
    {"name": "int", "role": "internal", "devargs": "net_af_packet1,iface=int0", "twin": "int-twin",
     "addresses": ["192.0.2.1/24"], "rx_descriptors": 512, "tx_descriptors": 512}
  ],
  "vlans": [{"name": "int.100", "port": "int", "id": 100, "addresses": ["10.100.0.1/24"], "mtu": 1400}],
  "routes": [{"destination": "10.0.0.0/8", "gateway": "192.0.2.254"}],
  "snat_pools": [{"name": "edge-out", "addresses": ["203.0.113.50", "203.0.113.51"]}],
  "static_nats": [{"public": "203.0.113.60", "private": "192.0.2.60"}],
  "forwarding_services": [{"name": "edge-internet", "source": "192.0.2.0/25", "snat": "edge-out"}],
  "virtual_services": [
    {"name": "lync-av", "vip": "203.0.113.10", "protocol": "udp", "port": "50000-59999",
     "scheduler": "sh", "snat": "none", "idle_timeout_s": 120,
     "reals": [{"address": "192.0.2.11"}, {"address": "192.0.2.12", "state": "drain"}]},
    {"name": "web", "vip": "203.0.113.20", "protocol": "tcp", "port": 443, "scheduler": "wlc",
     "persistence": {"mode": "source-ip", "prefix_length": 24, "timeout_s": 1200},
     "tcp_profile": {"loose_init": true}, "on_real_down": "reset", "minimum_up": 1,
     "check": {"type": "https", "port": 443, "method": "GET", "url": "/owa/healthcheck.htm",
               "host": "mail.example.com", "expect": "200,301-302", "body": "200 OK",
               "header": "X-Probe: vlb", "verify": true, "ca_file": "/etc/vlb/ca.pem",
               "interval_s": 10, "timeout_s": 4, "rise": 3, "fall": 2},
     "reals": [{"address": "192.0.2.21", "port": 443, "weight": 2},
               {"address": "192.0.2.22", "port": 443, "enabled": false}]}
  ],
  "certificates": [
    {"name": "mail", "cert_file": "/etc/vlb/mail.pem", "key_file": "/etc/vlb/mail.key",
     "chain_file": "/etc/vlb/chain.pem"},
    {"name": "lync", "pfx_file": "/etc/vlb/lync.pfx", "password": "secret words"}
  ],
  "l7_services": [
    {"name": "http-redirect", "address": "203.0.113.30", "port": 80, "protocol": "http",
     "rules": [{"name": "to-https", "action": {"redirect": {"status": 301, "location": "https://{host}{uri}"}}}]},
    {"name": "owa", "address": "203.0.113.30", "port": 443, "protocol": "https",
     "certificates": ["mail", "lync"], "ciphers": "compatible",
     "reencrypt": {"enabled": true, "sni": "mail.internal.example", "verify": false},
     "pools": [
       {"name": "exchange", "scheduler": "lcr",
        "reals": [{"address": "192.0.2.41", "port": 443, "weight": 1, "state": "enabled"},
                  {"address": "192.0.2.42", "port": 443, "state": "disabled"}],
        "check": {"type": "https", "url": "/owa/healthcheck.htm", "expect": "200"}},
       {"name": "wac", "scheduler": "rr", "reals": [{"address": "192.0.2.51"}]}
     ],
     "persistence": {"mode": "cookie-then-source", "cookie": "VLBID", "prefix_length": 24, "timeout_s": 600},
     "rules": [
       {"name": "wac", "match": {"host": "wac.example.com", "path_prefix": "/hosting"}, "action": {"pool": "wac"}},
       {"name": "owa", "match": {"host_wildcard": "*.example.com", "path_regex": "^/(owa|ecp)(/|$)",
                                 "methods": ["GET", "POST", "RPC_IN_DATA"],
                                 "header": {"name": "User-Agent", "regex": "Mozilla"}},
        "action": {"pool": "exchange"}},
       {"name": "admin", "match": {"host_regex": "^admin\\.", "header": {"name": "X-Admin", "present": true}},
        "action": {"deny": true}},
       {"name": "hello", "match": {"path_prefix": "/hello"},
        "action": {"respond": {"status": 200, "content_type": "text/html", "body": "<p>hello world</p>"}}}
     ],
     "default_action": {"respond": {"status": 404, "content_type": "text/plain", "body": "not here"}},
     "rewrite": {"location_hosts": {"mail.internal.example": "mail.example.com"},
                 "cookie_domains": {".internal.example": ".example.com"}},
     "x_forwarded": true, "transparent": false,
     "timeouts": {"connect_s": 5, "server_s": 200, "client_s": 60},
     "max_request_body": 2147483648, "access_log": "/var/log/vlb/owa.log"}
  ]
})json";

}  // namespace vlb::testing
