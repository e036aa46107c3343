#!/usr/bin/env python3
"""Helpers of scripts/bench: vlbd's drop counters grown between two `vlbsh --json show interfaces`
snapshots, and the markdown table of a run from the files the scenarios left in a directory.

    bench_table.py drops BEFORE.json AFTER.json
    bench_table.py steady PKTGEN.log   (exit 1 when one second's rate is under 75 % of another's)
    bench_table.py table DIR SCENARIO:BASELINE...   (e.g. a1:a1 a2:a2 b:a1 c:a2 d:a1)
"""
import glob
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def drop_totals(path):
    totals = {}
    for port in (load(path) or {}).get("interfaces", []):
        for reason, n in port.get("drops", {}).items():
            totals[reason] = totals.get(reason, 0) + n
    return totals


def drops(before_path, after_path):
    before, after = drop_totals(before_path), drop_totals(after_path)
    grown = {r: n - before.get(r, 0) for r, n in after.items() if n - before.get(r, 0) > 0}
    ordered = sorted(grown.items(), key=lambda item: -item[1])
    print(", ".join(f"{reason} {n:,}" for reason, n in ordered) or "none")


def steady(log_path):
    """The per-second rates of vlb-pktgen --progress: unsteady when the CPUs moved during the run."""
    try:
        with open(log_path) as f:
            rates = [float(line.split()[3]) for line in f if line.endswith("Mpps through\n")]
    except (OSError, ValueError, IndexError):
        return True
    return not rates or min(rates) >= 0.75 * max(rates)


def notes_for(result, meta):
    notes = []
    if result["reply"]:
        notes.append(f"each way {result['rx_pps']['server'] / 1e6:.2f} + "
                     f"{result['rx_pps']['client'] / 1e6:.2f} Mpps")
    if result["new_flows"]:
        notes.append(f"**{result['rx_pps']['server'] / 1e6:.2f} M new connections/s**")
    notes.append(f"{result['flows']:,} flows, {result['proto']}, {result['frame_size']} B, "
                 f"{result['duration_s']:.0f} s")
    if result.get("unanswered_flows"):
        notes.append(f"**{result['unanswered_flows']:,} flows never answered in the warm-up**")
    c2c = meta.get("c2c", [])
    if c2c:
        far = "" if meta.get("near", True) else " **(CPUs far apart: the rate is low)**"
        notes.append(f"core-to-core {'/'.join(str(n) for n in c2c[-1])} ns{far}")
    if len(c2c) > 1:
        notes.append(f"{len(c2c) - 1} attempt(s) before discarded (CPUs far apart or rate unsteady)")
    if meta.get("busy", 0) >= 10:
        notes.append(f"**other processes kept the CPUs {meta['busy']} % busy just before**")
    if meta.get("drops"):
        notes.append("vlbd drops while measuring: " + meta["drops"])
    return notes


def runs_of(directory, scenario):
    """(result, meta) of each run of `scenario`, slowest first; a failed run has result None."""
    runs = []
    for meta_path in sorted(glob.glob(f"{directory}/{scenario}.*-meta.json")):
        meta = load(meta_path)
        result = load(meta_path.replace("-meta.json", "-gen.json"))
        if meta is not None:
            runs.append((result, meta))
    return sorted(runs, key=lambda run: run[0]["dut_pps"] if run[0] else -1)


def table(directory, pairs):
    medians = {}
    print("| scenario | Mpps (1 forwarding core), median | range of the runs | ratio to baseline | loss "
          "| notes |")
    print("|---|---:|---:|---:|---:|---|")
    for pair in pairs:
        scenario, baseline = pair.split(":")
        runs = runs_of(directory, scenario)
        if not runs:
            continue
        title = runs[0][1]["title"]
        done = [run for run in runs if run[0]]
        if not done:
            print(f"| {scenario}: {title} | failed | - | - | - | see the logs (--logs DIR) |")
            continue
        result, meta = done[len(done) // 2]
        medians[scenario] = result["dut_pps"]
        base = medians.get(baseline)
        ratio = f"{result['dut_pps'] / base:.2f}" if base else "-"
        spread = f"{done[0][0]['dut_pps'] / 1e6:.2f}–{done[-1][0]['dut_pps'] / 1e6:.2f} ({len(done)} runs)"
        notes = notes_for(result, meta)
        if len(done) < len(runs):
            notes.append(f"{len(runs) - len(done)} run(s) failed")
        print(f"| {scenario}: {title} | {result['dut_pps'] / 1e6:.2f} | {spread} | {ratio} | "
              f"{result['loss_pct']:.2f} % | {'; '.join(notes)} |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "drops":
        drops(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "steady":
        sys.exit(0 if steady(sys.argv[2]) else 1)
    elif len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
