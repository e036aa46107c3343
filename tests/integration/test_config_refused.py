"""vlbd refuses a bad config whole: --check-config names the field; a start with it changes nothing."""
import copy
import json

import pytest

from conftest import lab_config, run, vlbd_exe


def config_with(prefix, change):
    config = copy.deepcopy(lab_config(prefix))
    change(config)
    return json.dumps(config, indent=1)


def set_port(index, field, value):
    def change(config):
        config["ports"][index][field] = value
    return change


def rename_field(index, old, new):
    def change(config):
        config["ports"][index][new] = config["ports"][index].pop(old)
    return change


# name → (file text for a lab prefix, substrings the one-line message must contain)
BAD = {
    "syntax": (lambda p: '{"eal": {"no_huge": true,,}}\n', ["line 1, column"]),
    "truncated": (lambda p: config_with(p, lambda c: None)[:-30], ["line", "column"]),
    "unknown_field": (lambda p: config_with(p, rename_field(0, "addresses", "adresses")),
                      ['ports[0] "ext"', 'unknown field "adresses"']),
    "bad_prefix": (lambda p: config_with(p, set_port(1, "addresses", ["192.0.2.300/24"])),
                   ['ports[1] "int"', 'field "addresses[0]"', "192.0.2.300/24"]),
    "duplicate_devargs": (lambda p: config_with(p, set_port(1, "devargs", "net_af_packet0,iface=ext0")),
                          ["devargs", "net_af_packet0,iface=ext0"]),
    "missing_ports": (lambda p: config_with(p, lambda c: c.pop("ports")), ['missing field "ports"']),
    "bad_role": (lambda p: config_with(p, set_port(0, "role", "sideways")), ['"role"', "sideways"]),
    "wrong_type": (lambda p: config_with(p, lambda c: c["eal"].update(memory_mb="lots")),
                   ["memory_mb"]),
    "duplicate_name": (lambda p: config_with(p, set_port(1, "name", "ext")), ['"name"', "ext"]),
}


def test_default_config_is_ok(tmp_path):
    printed = run([vlbd_exe(), "--print-default-config"]).stdout
    json.loads(printed)
    path = tmp_path / "default.json"
    path.write_text(printed)
    p = run([vlbd_exe(), "--check-config", str(path)])
    assert p.stdout.strip() == f"{path}: ok"


def test_lab_config_is_ok(tmp_path, lab):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(lab_config(lab.prefix)))
    run([vlbd_exe(), "--check-config", str(path)])


@pytest.mark.parametrize("name", sorted(BAD))
def test_check_config_refuses(tmp_path, name):
    text, expected = BAD[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text("tcfg"))
    p = run([vlbd_exe(), "--check-config", str(path)], check=False)
    assert p.returncode == 1, p
    message = p.stderr.strip()
    assert message.startswith("vlbd: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize("name", ["bad_prefix", "duplicate_devargs", "syntax"])
def test_start_with_bad_config_exits_and_creates_nothing(lab, name):
    text, expected = BAD[name]
    path = lab.state / f"{name}.json"
    path.write_text(text(lab.prefix))
    p = lab.run("lb", [vlbd_exe(), "--config", str(path)], check=False, timeout=60)
    assert p.returncode == 1, p
    assert expected[0] in p.stderr, p.stderr
    links = lab.link_names("lb")
    assert not links & {"ext", "int"}, f"twins left behind: {links}"
    assert not (lab.state / "vlbd.sock").exists()

