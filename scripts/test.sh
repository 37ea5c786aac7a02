#!/usr/bin/env bash
# The README's test command: sets everything up (Debian packages, build) and
# runs every test: GoogleTest unit tests and lit tests through CTest, then the
# Python tests with Debian's /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${DNP_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${DNP_BUILD_DIR:-build-asan}
  # libMLIR.so is not instrumented: leaks reported inside it are not ours,
  # and LLVM's allocator headers, inlined into our instrumented code, poison
  # arena memory that the uninstrumented library then hands out without
  # unpoisoning it (false use-after-poison reports).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allow_user_poisoning=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
else
  BUILD_DIR=${DNP_BUILD_DIR:-build}
fi

echo "==> C++ unit tests (ctest)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" -E '^lit$'

echo "==> lit tests"
/usr/lib/llvm-22/bin/lit -s "$BUILD_DIR/test"

echo "==> install, downstream project, Python and Debian packages"
if [ "${DNP_SANITIZE:-0}" = 1 ]; then
  # The installed libraries would carry ASan instrumentation that a
  # downstream project does not link; the plain build checks packaging.
  echo "(skipped in the sanitizer build)"
else
  scripts/test-install.sh "$BUILD_DIR"
fi

if [ -d python/tests ]; then
  echo "==> Python tests (pytest)"
  DNP_BUILD_DIR="$BUILD_DIR" PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}" \
    /usr/bin/python3 -m pytest -q python/tests
fi
