#!/usr/bin/env bash
# Links a dnp-compile'd model with the bare-metal harness into firmware for
# one of QEMU's Arm boards (or into a host executable for quick tests).
#
#   runtime/build.sh --target cortex-m4 out/model.o -o fw.elf
#   runtime/build.sh --target host      out/model.o -o model-host
#
# The model's header is expected next to its object (out/model.h); the
# model's C name is the object's file name (dnp-compile writes <name>.o).
#
#   target       board (QEMU -M)   compiler flags
#   cortex-m4    mps2-an386        -mcpu=cortex-m4 -mfpu=fpv4-sp-d16
#   cortex-m7    mps2-an500        -mcpu=cortex-m7 -mfpu=fpv5-d16
#   cortex-m55   mps3-an547        -mcpu=cortex-m55
#   (all -mthumb -mfloat-abi=hard, arm-none-eabi-gcc + newlib-nano)
#
# Extra arguments after `--` go to the compiler/linker.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=cortex-m4
object=""
output=""
extra=()
while (($#)); do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    -o) output=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    *) object=$1; shift ;;
  esac
done
if [[ -z "$object" || -z "$output" ]]; then
  echo "usage: build.sh --target {cortex-m4|cortex-m7|cortex-m55|host} model.o -o OUT [-- flags]" >&2
  exit 2
fi
header="${object%.o}.h"
[[ -f "$object" ]] || { echo "build.sh: no $object" >&2; exit 1; }
[[ -f "$header" ]] || { echo "build.sh: no $header (written by dnp-compile)" >&2; exit 1; }
name=$(basename "${object%.o}")
upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
model_defs=(-DDNP_MODEL_HEADER="\"$(cd "$(dirname "$header")" && pwd)/$(basename "$header")\""
            -DDNP_NAME="$name" -DDNP_NAME_UPPER="$upper")

# Board: linker script and the SysTick period in ns (= instructions per tick
# under QEMU -icount shift=0), as a fraction NUM/DEN.
case "$target" in
  cortex-m4)  board=mps2-an386; cpu=(-mcpu=cortex-m4 -mfpu=fpv4-sp-d16); tick=(40 1) ;;
  cortex-m7)  board=mps2-an500; cpu=(-mcpu=cortex-m7 -mfpu=fpv5-d16);    tick=(40 1) ;;
  cortex-m55) board=mps3-an547; cpu=(-mcpu=cortex-m55);                 tick=(125 4) ;;
  host)
    exec "${CC:-cc}" -O2 -DDNP_HOST "${model_defs[@]}" "$here/harness.c" \
      "$object" -o "$output" -lm "${extra[@]}" ;;
  *) echo "build.sh: unknown target '$target'" >&2; exit 2 ;;
esac

exec arm-none-eabi-gcc -mthumb "${cpu[@]}" -mfloat-abi=hard -O2 -g \
  -ffunction-sections -fdata-sections \
  "${model_defs[@]}" -DDNP_RT_TICK_NS_NUM="${tick[0]}" -DDNP_RT_TICK_NS_DEN="${tick[1]}" \
  -nostartfiles --specs=nano.specs \
  -L "$here/linker" -T "$here/linker/$board.ld" -Wl,--gc-sections \
  "$here/startup.c" "$here/harness.c" "$object" -o "$output" "${extra[@]}"
