#!/usr/bin/env bash
# Parse speed of models whose weights are dense_resource blobs: materializes
# the weights of each example (and of a ~4 MiB VGG variant made by widening
# it), then times `dnp-opt` parsing and printing each file (best of 5).
# Writes bench/results/parse.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${DNP_BUILD_DIR:-build}
OPT="$BUILD/bin/dnp-opt"
TMP=$(mktemp -d)
OUT=bench/results/parse.md
mkdir -p bench/results
{
  echo "# Parse time of models with dense_resource weights"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); date: $(date -u +%F)."
  echo "Command: \`bench/parse/run.sh\` (each file: \`dnp-opt FILE -o /dev/null\`, best of 5)."
  echo
  echo "| model | file size | parse + verify + print (ms) |"
  echo "|---|---:|---:|"
} > "$OUT"
for f in examples/*.mlir; do
  name=$(basename "$f" .mlir)
  "$OPT" "$f" --dnp-materialize-weights -o "$TMP/$name.mlir"
done
# A wider VGG: 4x the channels of every conv -> about 16x the conv weights.
sed -e 's/x16x/x64x/g; s/<16x/<64x/g; s/x16xf32/x64xf32/g; s/<16xf32/<64xf32/g' \
    examples/vgg_fmnist.mlir > "$TMP/vgg_wide_src.mlir"
if "$OPT" "$TMP/vgg_wide_src.mlir" --dnp-materialize-weights -o "$TMP/vgg_wide.mlir" 2>/dev/null; then :; else rm -f "$TMP/vgg_wide.mlir"; fi
for f in "$TMP"/*.mlir; do
  case "$f" in *_src.mlir) continue;; esac
  size=$(stat -c %s "$f")
  best=""
  for i in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$OPT" "$f" -o /dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "| $(basename "$f" .mlir) | $((size / 1024)) KiB | $best |" >> "$OUT"
done
rm -rf "$TMP"
cat "$OUT"
