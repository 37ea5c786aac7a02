#!/usr/bin/env bash
# The README's main command. Sets everything up (Debian packages, build), then
# runs the main job: train the VGG-style Fashion-MNIST example briefly,
# unpruned and pruned during training to a Cortex-M4 budget (16 KiB SRAM,
# 64 KiB flash, in int8 bytes), quantize both to int8, compile them with
# dnp-compile, run the test images through the firmware in QEMU and through
# the same code on the host, and print one table: f32 and int8 accuracy,
# host vs MCU, predicted vs measured arena and flash, instructions per
# inference, before vs after pruning.
#
#   scripts/main.sh                                   # the example
#   scripts/main.sh my_model.onnx --budget sram=16KiB,flash=48KiB
#   scripts/main.sh my_model.mlir --budget sram=64KiB,flash=256KiB,macs=2M
#   scripts/main.sh my_model.onnx --budget sram=32KiB,flash=64KiB \
#       --dataset npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy
#   scripts/main.sh --precision f32                   # deploy f32 instead
#
# Without --dataset the job trains on Fashion-MNIST, so the model must take
# a 1x28x28x1 input and return 10 logits. With your own .npy files the model
# may take any NHWC input [1, H, W, C] (or [1, F]) and return any number of
# logits: inputs [N, H, W, C] float32 (used as given) or uint8 images
# (scaled by 1/255), labels [N] integers in [0, classes); dnp-train names
# both sides when the data and the model disagree. Relative paths are taken
# from the directory you run this script in. Environment: DNP_EPOCHS
# (default 8), DNP_TEST_IMAGES and DNP_BASELINE_TEST_IMAGES (test images run
# through the pruned and the unpruned firmware, default all), DNP_TARGET
# (cortex-m4, cortex-m7, cortex-m55), DNP_OUT_DIR (default out/main),
# DNP_BUDGET, DNP_PRECISION, DNP_DATASET, DNP_CALIBRATION_IMAGES (default
# 500), DNP_TRAIN_LIMIT (train on the first N images, for a quick try).
set -euo pipefail
export DNP_CALLER_DIR="${DNP_CALLER_DIR:-$PWD}"
cd "$(dirname "$0")/.."
scripts/setup.sh
exec /usr/bin/python3 scripts/main_job.py "$@"
