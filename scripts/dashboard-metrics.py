#!/usr/bin/env python3
"""Prints the metric names that the Grafana dashboard and the alert rules query.

One name per line, sorted, exactly as the expressions reference them (so a
histogram shows up as e.g. sync_latency_seconds_bucket). A test compares the
list with a real /metrics scrape, so that a renamed meter cannot silently
empty a panel or an alert.

    scripts/dashboard-metrics.py [--exprs] [--dashboard FILE] [--rules FILE]

--exprs prints the PromQL expressions instead, one per line, with the Grafana
variables replaced by values Prometheus accepts, for a syntax check.
Exits 1 when a file cannot be read or holds no expressions.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DASHBOARD = os.path.join(ROOT, "conf", "grafana", "openclaw-dashboard.json")
DEFAULT_RULES = os.path.join(ROOT, "conf", "prometheus", "openclaw-alerts.yml")

GRAFANA_VARIABLES = [
    (re.compile(r"\$__(rate_interval|interval|range)\b"), "5m"),
    (re.compile(r"\$\{?\w+\}?"), ".*"),
]
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan", "atan2"}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(\s*\()?")


def dashboard_exprs(path):
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    exprs = []

    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    exprs.append(target["expr"])
            walk(panel.get("panels", []))

    walk(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if variable.get("type") != "query" or not query:
            continue
        match = re.match(r"\s*(label_values|query_result)\((.*)\)\s*$", query)
        if match and match.group(1) == "query_result":
            exprs.append(match.group(2))
        elif match and "," in match.group(2):
            exprs.append(match.group(2).rsplit(",", 1)[0])
    return exprs


def rule_exprs(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        import yaml
    except ImportError:
        return rule_exprs_without_yaml(text)
    document = yaml.safe_load(text) or {}
    return [str(rule["expr"]) for group in document.get("groups", []) for rule in group.get("rules", [])]


def rule_exprs_without_yaml(text):
    """Reads `expr:` values, inline or as block scalars, when PyYAML is not installed."""
    exprs = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r"^(\s*)(?:-\s+)?expr:\s*(.*)$", lines[i])
        i += 1
        if not match:
            continue
        value = match.group(2).strip()
        if value and value[0] not in "|>":
            exprs.append(value.strip("'\""))
            continue
        indent = len(match.group(1))
        block = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            block.append(lines[i].strip())
            i += 1
        exprs.append(" ".join(part for part in block if part))
    return exprs


def for_prometheus(expr):
    for pattern, value in GRAFANA_VARIABLES:
        expr = pattern.sub(value, expr)
    return " ".join(expr.split())


def metric_names(expr):
    stripped = STRING.sub('""', expr)
    stripped = MATCHERS.sub(" ", stripped)
    stripped = RANGES.sub(" ", stripped)
    stripped = GROUPING.sub(" ", stripped)
    names = set()
    for match in IDENTIFIER.finditer(stripped):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def main():
    parser = argparse.ArgumentParser(description="List the metrics the dashboard and alert rules query.")
    parser.add_argument("--dashboard", default=DEFAULT_DASHBOARD)
    parser.add_argument("--rules", default=DEFAULT_RULES)
    parser.add_argument("--exprs", action="store_true", help="print the expressions instead of the names")
    args = parser.parse_args()

    try:
        exprs = dashboard_exprs(args.dashboard) + rule_exprs(args.rules)
    except (OSError, ValueError) as e:
        print(f"dashboard-metrics: {e}", file=sys.stderr)
        return 1
    if not exprs:
        print("dashboard-metrics: no expressions found", file=sys.stderr)
        return 1

    if args.exprs:
        for expr in exprs:
            print(for_prometheus(expr))
        return 0
    names = set()
    for expr in exprs:
        names |= metric_names(expr)
    for name in sorted(names):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
