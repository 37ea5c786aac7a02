#!/usr/bin/env bash
# dnp as a dependency (part of the README's test command, scripts/test.sh):
#
#  1. `cmake --install` the build into a temporary prefix, then MOVE the
#     prefix: everything below uses the moved copy, so a path baked in at
#     install time would fail here (relocatable package).
#  2. Builds examples/downstream with only `find_package(DNP)` against it
#     (CMAKE_PREFIX_PATH = the moved prefix, nothing of the source or build
#     tree), runs its downstream-opt on an example (--dnp-report-resources
#     and the dnp-lower-to-llvm pipeline) and requires its output to equal
#     build/bin/dnp-opt's, and runs its plain-C++ cost program against the
#     closed forms in downstream-cost.cpp.
#  3. The installed tools on their own: `dnp report` (the launcher finding its
#     sibling tools and the installed Python package), dnp-compile output
#     linked with the installed runtime.
#  4. The Python package: `pip install --no-deps ./python` (offline) into a
#     virtual environment that sees Debian's packages, its console scripts,
#     and the model-import and report tests against the installed package.
#  5. `cpack -G DEB`: the control file's dependencies, and dnp-opt run from
#     the package unpacked with `dpkg-deb -x` into an empty directory.
#
#   scripts/test-install.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=$(cd "${1:-${DNP_BUILD_DIR:-build}}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dnp-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
JOBS=$(nproc)

echo "--> cmake --install into a prefix, then moving it"
cmake --install "$BUILD" --prefix "$WORK/staging" >/dev/null
mv "$WORK/staging" "$WORK/prefix"
PREFIX=$WORK/prefix
for f in bin/dnp-opt bin/dnp-run bin/dnp-compile bin/dnp bin/dnp-import-onnx \
         bin/dnp-report lib/DNPPlugin.so lib/libDNPCost.a \
         lib/cmake/dnp/DNPConfig.cmake lib/cmake/dnp/DNPConfigVersion.cmake \
         include/dnp/InitAll.h include/dnp/Dialect/DNP/IR/DNPOps.h.inc \
         include/dnp/Dialect/DNP/IR/DNPOps.td \
         share/dnp/runtime/build.sh share/dnp/runtime/harness.c \
         share/doc/dnp/README.md lib/python3/dist-packages/dnp/__init__.py; do
  [ -e "$PREFIX/$f" ] || fail "the install lacks $f"
done
if grep -rIl -e "$SRC" -e "$BUILD" "$PREFIX/lib/cmake" "$PREFIX/bin/dnp" \
     "$PREFIX/lib/python3" >/dev/null 2>&1; then
  fail "installed files name the source or build tree: $(grep -rIl -e "$SRC" \
       -e "$BUILD" "$PREFIX/lib/cmake" "$PREFIX/bin/dnp" "$PREFIX/lib/python3")"
fi

echo "--> building examples/downstream against the moved prefix"
cp -r "$SRC/examples/downstream" "$WORK/downstream"
LAUNCHER=()
if command -v ccache >/dev/null; then
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$WORK/downstream" -B "$WORK/downstream-build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX" "${LAUNCHER[@]}" \
  >"$WORK/configure.log" || { cat "$WORK/configure.log"; fail "configure"; }
grep -q "Using DNPConfig.cmake in: $PREFIX/lib/cmake/dnp" "$WORK/configure.log" \
  || fail "the consumer did not find the moved prefix's DNPConfig.cmake"
cmake --build "$WORK/downstream-build" -j "$JOBS" >"$WORK/build.log" \
  || { cat "$WORK/build.log"; fail "building the consumer"; }

MODEL=$SRC/examples/dscnn_fmnist.mlir
for tool in "$WORK/downstream-build/downstream-opt" "$BUILD/bin/dnp-opt"; do
  name=$(basename "$tool")
  "$tool" "$MODEL" --dnp-report-resources -o /dev/null >"$WORK/$name.report" 2>&1
  "$tool" "$MODEL" --pass-pipeline="builtin.module(dnp-lower-to-llvm)" \
    -o "$WORK/$name.llvm.mlir"
done
grep -q "PMU" "$WORK/dnp-opt.report" || fail "no resource report from dnp-opt"
cmp -s "$WORK/downstream-opt.report" "$WORK/dnp-opt.report" \
  || { diff "$WORK/downstream-opt.report" "$WORK/dnp-opt.report" | head; \
       fail "downstream-opt's resource report differs from dnp-opt's"; }
cmp -s "$WORK/downstream-opt.llvm.mlir" "$WORK/dnp-opt.llvm.mlir" \
  || fail "downstream-opt's dnp-lower-to-llvm output differs from dnp-opt's"
grep -q "llvm.func" "$WORK/dnp-opt.llvm.mlir" || fail "no LLVM dialect output"

# Closed forms of downstream-cost.cpp: PMU = 256C + 512, flash = 112C + 8.
"$WORK/downstream-build/downstream-cost" >"$WORK/cost.txt"
expected=$'C=16 pmu=4608 flash=1800 dflash/dC=112\nC=8 pmu=2560 flash=904 dflash/dC=112'
[ "$(cat "$WORK/cost.txt")" = "$expected" ] \
  || fail "downstream-cost printed: $(cat "$WORK/cost.txt")"

echo "--> the installed tools from the prefix"
"$PREFIX/bin/dnp-opt" --version | grep -q "LLVM" || fail "dnp-opt --version"
# The launcher must use its siblings even with a build tree on PATH.
env -u DNP_BUILD_DIR PATH="/usr/bin:/bin" "$PREFIX/bin/dnp" report "$MODEL" \
  >"$WORK/dnp-report.txt" || fail "installed 'dnp report'"
cmp -s "$WORK/dnp-report.txt" "$WORK/dnp-opt.report" \
  || fail "installed 'dnp report' differs from build/bin/dnp-opt's report"
# `dnp import` runs the installed Python package through the launcher.
ONNX=/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx
if [ -f "$ONNX" ]; then
  env -u DNP_BUILD_DIR -u PYTHONPATH PATH="/usr/bin:/bin" "$PREFIX/bin/dnp" \
    import "$ONNX" -o "$WORK/imported.mlir" || fail "installed 'dnp import'"
  grep -q "dnp.conv2d" "$WORK/imported.mlir" || fail "'dnp import' output"
fi
"$PREFIX/bin/dnp-compile" "$MODEL" --target=host -o "$WORK/compiled" \
  --name dscnn >/dev/null
"$PREFIX/share/dnp/runtime/build.sh" --target host "$WORK/compiled/dscnn.o" \
  -o "$WORK/compiled/dscnn-host" || fail "linking with the installed runtime"
/usr/bin/python3 - "$WORK" <<'EOF' || fail "the installed import script"
import subprocess, sys
work = sys.argv[1]
# The installed Python CLI scripts find the installed package by themselves.
r = subprocess.run([work + "/prefix/bin/dnp-import-onnx", "--help"],
                   capture_output=True, text=True, env={"PATH": "/usr/bin"})
assert r.returncode == 0 and "ONNX" in r.stdout, r.stdout + r.stderr
EOF

echo "--> pip install --no-deps ./python (offline, in a venv)"
/usr/bin/python3 -m venv --system-site-packages "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --no-deps --no-index --quiet \
  --disable-pip-version-check "$SRC/python" || fail "pip install ./python"
(cd "$WORK" && "$WORK/venv/bin/python" - "$SRC" <<'EOF') || fail "the pip-installed package"
import os, sys
import dnp
src = sys.argv[1]
# Imported from the venv, not from the checkout.
assert os.path.realpath(dnp.__file__).startswith(os.path.realpath(sys.prefix)), dnp.__file__
import dnp.cli.report, dnp.onnx, dnp.torch  # noqa: F401
EOF
"$WORK/venv/bin/dnp-report" --help | grep -q "charts" \
  || fail "the dnp-report console script"
# The Python tests against the installed package (conftest.py leaves the
# checkout's python/ off sys.path); the model zoo and ONNX conformance runs
# exercise the same importer code on more models and stay in the main run.
(cd "$SRC" && env -u PYTHONPATH DNP_BUILD_DIR="$BUILD" DNP_INSTALLED_PACKAGE=1 \
  "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider python/tests \
  --ignore=python/tests/test_zoo.py \
  --ignore=python/tests/test_onnx_conformance.py) \
  || fail "python tests against the installed package"

echo "--> cpack -G DEB"
(cd "$BUILD" && cpack -G DEB -B "$WORK/deb" >"$WORK/cpack.log") \
  || { cat "$WORK/cpack.log"; fail "cpack"; }
DEB=$(ls "$WORK"/deb/dnp_*.deb)
dpkg-deb -f "$DEB" Depends | grep -q "libmlir-22" \
  || fail "the package does not declare libmlir-22: $(dpkg-deb -f "$DEB" Depends)"
mkdir "$WORK/unpacked"
dpkg-deb -x "$DEB" "$WORK/unpacked"
"$WORK/unpacked/usr/bin/dnp-opt" --version | grep -q "LLVM" \
  || fail "dnp-opt from the unpacked package"
"$WORK/unpacked/usr/bin/dnp-opt" "$MODEL" --dnp-report-resources -o /dev/null \
  >"$WORK/deb.report" 2>&1 || fail "resource report from the unpacked package"
cmp -s "$WORK/deb.report" "$WORK/dnp-opt.report" \
  || fail "the unpacked package's report differs from build/bin/dnp-opt's"
echo "test-install: OK (prefix, downstream project, tools, Python package, Debian package)"
