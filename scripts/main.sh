#!/usr/bin/env bash
# The README's main command: sets everything up (Debian packages, build) and
# runs the project's main job on an example model:
#   1. parse and verify it with dnp-opt,
#   2. report its MCU resources (optimal-order peak SRAM vs model-file order
#      vs a TFLite-Micro-style arena, flash, MACs, cycles),
#   3. give every prunable channel group a gate, switch some channels off,
#      materialize the pruning and report the resources again,
#   4. run both models with the reference executor on the same input and
#      show that the pruned model computes the gated model's function.
# Usage: scripts/main.sh [model.mlir]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${DNP_BUILD_DIR:-build}
MODEL=${1:-examples/vgg_fmnist.mlir}
OUT=${DNP_OUT_DIR:-out/main}
mkdir -p "$OUT"
OPT="$BUILD/bin/dnp-opt"
RUN="$BUILD/bin/dnp-run"

echo "==> [1/4] dnp-opt: parse and verify $MODEL"
"$OPT" "$MODEL" -o "$OUT/model.mlir"

echo "==> [2/4] resources of the unpruned model"
"$OPT" "$OUT/model.mlir" --dnp-report-resources="json=$OUT/resources.json" -o /dev/null

echo "==> [3/4] gates on every prunable channel group; every third channel off; prune"
"$OPT" "$OUT/model.mlir" --dnp-insert-gates -o "$OUT/gated.mlir"
# A deterministic stand-in for trained masks: drop channels 2, 5, 8, ...
/usr/bin/python3 - "$OUT/gated.mlir" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
def mask(m):
    bits = "".join("0" if i % 3 == 2 else "1" for i in range(len(m.group(1))))
    return 'mask "%s"' % bits
open(path, "w").write(re.sub(r'mask "([01]+)"', mask, text))
PY
"$OPT" "$OUT/gated.mlir" --dnp-prune="print-report=true report=$OUT/prune.json" -o "$OUT/pruned.mlir"
"$OPT" "$OUT/pruned.mlir" --dnp-report-resources -o /dev/null

echo "==> [4/4] dnp-run: gated vs pruned on the same random input"
/usr/bin/python3 -c "
import numpy as np, re, sys
shape = re.search(r'func.func @\w+\(%\w+: tensor<([0-9x]+)xf32>', open('$OUT/model.mlir').read()).group(1)
dims = [int(d) for d in shape.split('x')]
np.save('$OUT/input.npy', np.random.RandomState(0).rand(*dims).astype(np.float32))"
"$RUN" "$OUT/gated.mlir" --input "$OUT/input.npy" --output "$OUT/gated_out.npy" --print
"$RUN" "$OUT/pruned.mlir" --input "$OUT/input.npy" --output "$OUT/pruned_out.npy" --print
/usr/bin/python3 -c "
import numpy as np
a, b = np.load('$OUT/gated_out.npy'), np.load('$OUT/pruned_out.npy')
d = float(np.abs(a - b).max())
print('max |gated - pruned| = %.3g  (predicted class %d vs %d)' % (d, a.argmax(), b.argmax()))
assert d <= 1e-5, 'pruned model differs from the gated model'"
echo "==> done; outputs in $OUT/"
