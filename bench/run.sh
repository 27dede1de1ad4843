#!/bin/sh
# Measures `soc2 scan` on synthetic plans of growing size against a plain
# jansson parse of the same file: wall time and peak resident memory, from
# /usr/bin/time. Usage: bench/run.sh [BUILD_DIR] (default: build).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$build/tools/soc2/soc2" ] || { echo "run.sh: build first (ninja -C $build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
cc -O2 "$top/bench/parse_only.c" $(pkg-config --cflags --libs jansson) -o "$work/parse_only"

measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    tail -n 1 "$work/time"
}

printf '%10s %10s %12s %12s %14s %14s\n' resources "file MB" "parse s" "scan s" "parse peak MB" "scan peak MB"
for groups in 1000 5000 25000; do
    plan="$work/plan-$groups.json"
    python3 "$top/bench/generate_plan.py" "$groups" "$plan"
    size=$(stat -c %s "$plan")
    set -- $(measure "$work/parse_only" "$plan")
    parse_s=$1 parse_kb=$2
    set -- $(measure "$build/tools/soc2/soc2" scan --format json --output "$work/report.json" "$plan")
    scan_s=$1 scan_kb=$2
    printf '%10d %10.1f %12s %12s %14.0f %14.0f\n' $((groups * 4)) "$(echo "$size / 1048576" | bc -l)" \
        "$parse_s" "$scan_s" "$(echo "$parse_kb / 1024" | bc -l)" "$(echo "$scan_kb / 1024" | bc -l)"
done

echo
printf '%10s %10s %12s %14s\n' "group rules" "file MB" "scan s" "scan peak MB"
for rules in 2500 10000 40000; do
    plan="$work/rules-$rules.json"
    python3 "$top/bench/generate_group_rules.py" "$rules" "$plan"
    size=$(stat -c %s "$plan")
    set -- $(measure "$build/tools/soc2/soc2" scan --format json --output "$work/report.json" "$plan")
    printf '%10d %10.1f %12s %14.0f\n' "$rules" "$(echo "$size / 1048576" | bc -l)" "$1" \
        "$(echo "$2 / 1024" | bc -l)"
done
