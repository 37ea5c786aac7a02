#!/usr/bin/env bash
# Runs firmware built by build.sh under QEMU with semihosting and a
# deterministic instruction count (-icount shift=0: 1 instruction = 1 ns).
#
#   runtime/run.sh --target cortex-m4 fw.elf in.npy out.npy [in2 out2 ...]
#   runtime/run.sh --target cortex-m4 fw.elf --calibrate
#
# Files are opened by QEMU relative to the current directory; paths must not
# contain spaces or commas. The firmware's exit status is the script's.
set -euo pipefail

target=cortex-m4
while (($#)); do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    *) break ;;
  esac
done
if (($# < 2)); then
  echo "usage: run.sh --target {cortex-m4|cortex-m7|cortex-m55} fw.elf ARGS..." >&2
  exit 2
fi
case "$target" in
  cortex-m4)  board=mps2-an386 ;;
  cortex-m7)  board=mps2-an500 ;;
  cortex-m55) board=mps3-an547 ;;
  *) echo "run.sh: unknown target '$target'" >&2; exit 2 ;;
esac
elf=$1
shift
config="enable=on,target=native,arg=$elf"
for a in "$@"; do
  config+=",arg=$a"
done
exec timeout "${DNP_QEMU_TIMEOUT:-300}" qemu-system-arm -M "$board" \
  -nographic -monitor none -serial none \
  -icount shift=0 \
  -semihosting-config "$config" \
  -kernel "$elf"
