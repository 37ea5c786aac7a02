#!/usr/bin/env bash
# Times the MCU cost analysis on the example models and runs the synthetic
# cost-model benchmark; writes one Markdown report.
#
#   bench/cost/run_examples.sh [BUILD_DIR] [OUTPUT.md] [SWEEP_DIR]
#
# BUILD_DIR defaults to build/ (it needs bin/dnp-opt and the dnp-cost-bench
# binary), OUTPUT.md to bench/results/cost_examples.md, SWEEP_DIR (the
# --workdir of bench/train/run_bench.py) to out/bench-train. For every
# examples/*.mlir, then every pruned model SWEEP_DIR/<model>-<method>-<F>.mlir
# the training sweep left there (if any), it runs `dnp-opt
# --dnp-report-resources` REPEAT times (default 5, env REPEAT) and reports
# the minimum wall time of the whole process and of the pass alone
# (--mlir-timing), next to PMU, model-file order PMU, dnp arena and
# TFLite-Micro-style arena from the pass's JSON. The target is < 1 s per
# model; the script exits 1 if any run is slower or a command fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
OUT="${2:-$ROOT/bench/results/cost_examples.md}"
SWEEP="${3:-$ROOT/out/bench-train}"
ARGS=""
if (( $# )); then ARGS="$(printf ' %q' "$@")"; fi
REPEAT="${REPEAT:-5}"
PY=/usr/bin/python3
DNP_OPT="$BUILD/bin/dnp-opt"
BENCH=""
for candidate in "$BUILD/bin/dnp-cost-bench" "$BUILD/bench/cost/dnp-cost-bench"; do
  if [[ -x "$candidate" ]]; then BENCH="$candidate"; break; fi
done
[[ -x "$DNP_OPT" ]] || { echo "error: $DNP_OPT not found (build dnp-opt first)" >&2; exit 2; }
[[ -n "$BENCH" ]] || { echo "error: dnp-cost-bench not found under $BUILD (ninja -C $BUILD dnp-cost-bench)" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$(dirname "$OUT")"

now_ns() { date +%s%N; }

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
[[ -n "$cpu" ]] || cpu="$(uname -m)"
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null || true)" ]]; then commit="$commit (with uncommitted changes)"; fi

slow=0
rows=()
# "label<TAB>file" per model: the examples, then the sweep's pruned models
# (file names <model>-<method>-<factor>.mlir, labelled "<model> <method> 1/F").
models=()
for model in "$ROOT"/examples/*.mlir; do
  models+=("$(basename "$model" .mlir)"$'\t'"$model")
done
pruned=0
if [[ -d "$SWEEP" ]]; then
  for model in "$SWEEP"/*-*-*.mlir; do
    [[ -e "$model" ]] || continue
    IFS=- read -r net method factor <<< "$(basename "$model" .mlir)"
    models+=("$net $method 1/$factor"$'\t'"$model")
    pruned=$((pruned + 1))
  done
fi

for entry in "${models[@]}"; do
  name="${entry%%$'\t'*}"
  model="${entry#*$'\t'}"
  best_wall=""
  best_pass=""
  for ((i = 0; i < REPEAT; ++i)); do
    start="$(now_ns)"
    "$DNP_OPT" "$model" --dnp-report-resources="quiet=true json=$TMP/report.json" \
      --mlir-timing --mlir-timing-display=list -o /dev/null 2> "$TMP/timing"
    end="$(now_ns)"
    wall=$(( (end - start) / 1000 ))   # microseconds
    pass="$(awk '/DNPReportResources/ { printf "%d", $1 * 1000000 }' "$TMP/timing")"
    [[ -n "$pass" ]] || { echo "error: no pass timing for $name" >&2; exit 1; }
    if [[ -z "$best_wall" || "$wall" -lt "$best_wall" ]]; then best_wall="$wall"; fi
    if [[ -z "$best_pass" || "$pass" -lt "$best_pass" ]]; then best_pass="$pass"; fi
  done
  if (( best_wall >= 1000000 )); then slow=1; fi
  row="$("$PY" - "$TMP/report.json" "$name" "$best_wall" "$best_pass" <<'PYEOF'
import json, sys
path, name, wall_us, pass_us = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = json.load(open(path))["totals"]
print("| %s | %d | %d | %d | %d | %s | %d | %d | %.1f | %.2f | %s |" % (
    name, t["pmu_bytes"], t["default_order_pmu_bytes"], t["arena_bytes"],
    t["tflm_arena_bytes"], "yes" if t["pmu_exact"] else "no", t["flash_bytes"],
    t["macs"], wall_us / 1000.0, pass_us / 1000.0,
    "yes" if wall_us < 1000000 else "NO"))
PYEOF
)"
  rows+=("$row")
done

bench_start="$(now_ns)"
"$BENCH" > "$TMP/bench.md"
bench_end="$(now_ns)"
bench_s="$(awk -v ns=$(( bench_end - bench_start )) 'BEGIN { printf "%.2f", ns / 1e9 }')"

{
  echo "# Cost analysis timings"
  echo
  echo "* date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "* machine: $(uname -srm), $cpu, $(nproc) CPU(s) visible, shared with other jobs (builds, training), so the times are minima of noisy runs"
  echo "* commit: $commit"
  echo "* build: \`$BUILD\` ($(grep -m1 '^CMAKE_BUILD_TYPE:' "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?') build)"
  echo "* command: \`bench/cost/run_examples.sh${ARGS}\`"
  echo "* per model (minimum of $REPEAT runs): \`dnp-opt <model>.mlir --dnp-report-resources=\"quiet=true json=<file>\" --mlir-timing --mlir-timing-display=list -o /dev/null\`"
  if (( pruned )); then
    echo "* models: examples/*.mlir (random weights), then the $pruned pruned models of the training sweep in \`${SWEEP#$ROOT/}\` (trained weights, so wall includes parsing them; see the sweep's result for their training)"
  else
    echo "* models: examples/*.mlir (no pruned models: \`${SWEEP#$ROOT/}\` has none; run bench/train/run_bench.py first)"
  fi
  echo "* wall = the whole dnp-opt process (start-up, parsing, printing); pass = the DNPReportResources pass alone (channel groups, cost graph, exact optimal order, dnp plan, TFLite-Micro-style plan, flash/MACs/latency)"
  echo
  echo "| model | PMU (B) | model-file order PMU (B) | dnp arena (B) | TFLM arena (B) | exact? | flash (B) | MACs | wall (ms) | pass (ms) | < 1 s? |"
  echo "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## dnp-cost-bench"
  echo
  echo "\`$(basename "$BENCH")\` (synthetic graphs, full analysis incl. gradients; $bench_s s for the whole run):"
  echo
  cat "$TMP/bench.md"
} > "$OUT"

echo "wrote $OUT"
cat "$OUT"
if (( slow )); then
  echo "error: a model took 1 s or more" >&2
  exit 1
fi
