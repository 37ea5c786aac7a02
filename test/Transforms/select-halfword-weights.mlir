// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/cal.npy', np.random.default_rng(3).random((4, 8, 8, 4), dtype=np.float32))"
// RUN: dnp-opt %S/Inputs/halfword_choice.mlir --dnp-quantize=calibration=%t/cal.npy -o %t/q.mlir
//
// --dnp-select-halfword-weights spends a flash budget on halfword weights,
// the layers with the most reads per weight first. With int8 weights the
// model's constants take 744 bytes (432 weights, 26 int32 biases, 26
// 8-byte requantization entries); halfwords add one byte per weight: c0
// 288 (64 reads each), c1 64 (16 reads), fc 80 (1 read).
//
// 744 + 432: every layer.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1176 | FileCheck %s --check-prefix=ALL
// ALL-LABEL: func.func @halfword_choice
// ALL: dnp.conv2d {{.*}}{dnp.halfword_weights,
// ALL: dnp.conv2d {{.*}}{dnp.halfword_weights,
// ALL: dnp.dense {{.*}}{dnp.halfword_weights,
//
// One byte short of that: the dense layer, last in the order, is left out.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1175 | FileCheck %s --check-prefix=CONVS
// CONVS-LABEL: func.func @halfword_choice
// CONVS: dnp.conv2d {{.*}}{dnp.halfword_weights,
// CONVS: dnp.conv2d {{.*}}{dnp.halfword_weights,
// CONVS-NOT: dnp.halfword_weights
// CONVS: return
//
// 287 bytes to spend: c0's 288 do not fit, so c1 and fc (144) take them.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1031 | FileCheck %s --check-prefix=SKIP
// SKIP-LABEL: func.func @halfword_choice
// SKIP-NOT: dnp.halfword_weights
// SKIP: dnp.max_pool2d
// SKIP: dnp.conv2d {{.*}}{dnp.halfword_weights,
// SKIP: dnp.dense {{.*}}{dnp.halfword_weights,
//
// Exactly the int8 flash: nothing to spend.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=744 | FileCheck %s --check-prefix=NONE
// NONE-LABEL: func.func @halfword_choice
// NONE-NOT: dnp.halfword_weights
//
// The lowering stores what was chosen: c0's 288 weights as bytes, c1's 64
// and fc's 80 as halfwords.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1031 --dnp-plan-memory --convert-dnp-to-arena=dsp | FileCheck %s --check-prefix=STORED
// STORED-DAG: @dnp_halfword_choice_l0_weight : memref<288xi8>
// STORED-DAG: @dnp_halfword_choice_l2_weight : memref<128xi8>
// STORED-DAG: @dnp_halfword_choice_l5_weight : memref<160xi8>
//
// The resource report counts what was chosen, two bytes per chosen weight.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1031 "--dnp-report-resources=json=- quiet=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// REPORT: "flash_bytes": 888,
// A core without the DSP kernels stores bytes whatever the IR says: its
// lowering refuses the attribute (below), its report counts one byte.
// RUN: dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=1031 "--dnp-report-resources=json=- quiet=true target=cortex-m55" -o /dev/null | FileCheck %s --check-prefix=REPORT-M55
// REPORT-M55: "flash_bytes": 744,
//
// Errors: a budget below the int8 flash, no budget, a core without the
// DSP kernels, the attribute where it cannot apply.
// RUN: not dnp-opt %t/q.mlir --dnp-select-halfword-weights=flash-budget=743 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BELOW
// BELOW: error: flash budget of 743 bytes is below the 744 bytes the model's weights, biases and requantization tables take with int8 weights (over by 1)
// RUN: not dnp-opt %t/q.mlir --dnp-select-halfword-weights -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// NOBUDGET: error: --dnp-select-halfword-weights needs flash-budget
// RUN: not dnp-opt %t/q.mlir --dnp-select-halfword-weights="flash-budget=2000 target=cortex-m55" -o /dev/null 2>&1 | FileCheck %s --check-prefix=M55
// M55: error: --dnp-select-halfword-weights: the cortex-m55 kernels do not read halfword weights (the DSP kernels of cortex-m4 and cortex-m7 do)
// RUN: sed -e 's/dnp.conv2d %arg0, %0, %1 padding \[1, 1, 1, 1\] act relu {/dnp.conv2d %arg0, %0, %1 padding [1, 1, 1, 1] act relu {dnp.halfword_weights, /' %t/q.mlir > %t/marked.mlir
// RUN: grep -c dnp.halfword_weights %t/marked.mlir | FileCheck %s --check-prefix=MARKED
// MARKED: {{^}}1{{$}}
// RUN: not dnp-opt %t/marked.mlir --dnp-plan-memory --convert-dnp-to-arena=mve -o /dev/null 2>&1 | FileCheck %s --check-prefix=ARENA
// ARENA: error: 'dnp.conv2d' has #dnp.halfword_weights but only the DSP kernels (Cortex-M4/M7) read int16 weights
// RUN: dnp-opt %t/marked.mlir --dnp-plan-memory --convert-dnp-to-arena=dsp -o /dev/null
// F32 is the float model, whose conv2d has nothing to store as int16.
// RUN: sed -e 's/act relu$/act relu {dnp.halfword_weights}/' %S/Inputs/halfword_choice.mlir > %t/f32.mlir
// RUN: not dnp-opt %t/f32.mlir --dnp-select-halfword-weights=flash-budget=100000 -o /dev/null 2>&1 | FileCheck %s --check-prefix=F32
// F32: error: 'dnp.conv2d' has #dnp.halfword_weights but only int8 conv2d and dense ops store halfword weights
