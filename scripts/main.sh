#!/usr/bin/env bash
# The README's main command. Sets everything up (Debian packages, build), then
# runs the main job: train the VGG-style Fashion-MNIST example briefly,
# unpruned and pruned during training to a Cortex-M4 budget (32 KiB SRAM,
# 64 KiB flash), compile both with dnp-compile, run the test images through
# the firmware in QEMU and through the same code on the host, and print one
# table: host vs MCU accuracy, predicted vs measured arena and flash,
# instructions per inference, before vs after pruning.
#
#   scripts/main.sh                                   # the example
#   scripts/main.sh my_model.onnx --budget sram=16KiB,flash=48KiB
#   scripts/main.sh my_model.mlir --budget sram=64KiB,flash=256KiB,macs=2M
#
# A model of your own must take a 1x28x28x1 input and return 10 logits (the
# job trains it on Fashion-MNIST). Environment: DNP_EPOCHS (default 8),
# DNP_TEST_IMAGES (pruned model, default all 10000), DNP_BASELINE_TEST_IMAGES
# (unpruned model, default 1000: it is slower in QEMU), DNP_TARGET
# (cortex-m4, cortex-m7, cortex-m55), DNP_OUT_DIR (default out/main).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec /usr/bin/python3 scripts/main_job.py "$@"
