#!/usr/bin/env bash
# Installs what dnp needs from Debian 12's archive (only what is missing),
# then configures and builds dnp into build/ (or $DNP_BUILD_DIR).
# Idempotent: a second run installs nothing and rebuilds only what changed.
#
# Environment:
#   DNP_BUILD_DIR   build directory (default: build)
#   DNP_SANITIZE=1  build with AddressSanitizer + UBSan (default dir: build-asan)
#   DNP_JOBS        parallel build jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache git pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libgtest-dev zlib1g-dev libzstd-dev libtorch-dev libgloo-dev dataset-fashion-mnist
  python3 python3-numpy python3-pytest python3-onnx python3-torch
  python3-matplotlib python3-torchvision libonnx-testdata
  python3-venv python3-pip python3-dev pybind11-dev python3-pybind11 iproute2
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "${DNP_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${DNP_BUILD_DIR:-build-asan}
  SAN=ON
else
  BUILD_DIR=${DNP_BUILD_DIR:-build}
  SAN=OFF
fi
JOBS=${DNP_JOBS:-$(nproc)}

echo "==> configuring $BUILD_DIR (sanitizers: $SAN)"
cmake -S . -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DDNP_ENABLE_SANITIZERS="$SAN" \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
echo "==> building ($JOBS jobs)"
cmake --build "$BUILD_DIR" -j "$JOBS"
