//===- Targets.cpp - Cycle coefficients of Cortex-M cores -----------------===//
//
// Latency = per-op overhead + cycles/MAC * MACs (conv, depthwise, dense) +
// cycles/element-op * element ops (everything else). Linear in MACs is what
// MCU studies measure for CMSIS-NN int8 kernels; the coefficients below are
// coarse and meant for ranking pruning choices, not for sign-off.
//
// Where the numbers come from:
//  * cortex-m7 conv, 1.7 cycles/MAC: derived from the CMSIS-NN paper (Lai,
//    Suda, Chandra, arXiv:1801.06601), whose CIFAR-10 CNN (about 12.3 M MACs:
//    5x5 convs of 32, 32 and 64 filters on 32x32, 16x16 and 8x8 inputs) runs
//    at about 10 images/s on a 216 MHz Cortex-M7: ~21 M cycles / 12.3 M MACs.
//    That is a whole-network average, pooling and activations included.
//  * cortex-m4: the M7 figures scaled by the ratio of Arm's published
//    CoreMark/MHz (about 5.0 for M7, 3.4 for M4; the M4 is single-issue).
//    ESTIMATE.
//  * cortex-m55: Helium (MVE) executes a 16-lane int8 multiply-accumulate
//    over two beats, i.e. at most 8 MACs/cycle (0.125 cycles/MAC); 0.4 assumes
//    roughly a third of that peak after loads, im2col and requantisation.
//    ESTIMATE, consistent with Arm's "up to 15x ML uplift" claim for M55 over
//    earlier Cortex-M cores only in order of magnitude.
//  * depthwise and dense: ESTIMATES. Depthwise convolution reuses each
//    input value only Kh*Kw times and dense layers use each weight once, so
//    both are more load-bound than conv; modelled as ~2x and ~1.2x the conv
//    cost per MAC.
//  * element ops (pools, adds, activations, copies): ESTIMATES of ~1 cycle
//    per element with DSP/SIMD instructions on M7, scaled as above; Helium
//    processes 4-16 lanes per instruction.
//  * per-op overhead: ESTIMATE of interpreter dispatch and kernel setup in
//    TensorFlow Lite Micro (a few thousand cycles).
//  * clocks: maximum core clock of a common board for each core (STM32F446
//    at 180 MHz, STM32F746 at 216 MHz, Alif Ensemble's high-performance
//    Cortex-M55 at 400 MHz); override per use.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/Resources.h"

using namespace dnp::cost;

namespace {
// clang-format off
const std::vector<TargetDesc> kTargets = {
  //  name          MHz    conv  dw    dense elem  per-op
  {"cortex-m4",   180.0,  2.5,  5.0,  3.0,  1.5,  2000.0},
  {"cortex-m7",   216.0,  1.7,  3.4,  2.0,  1.0,  1500.0},
  {"cortex-m55",  400.0,  0.4,  0.8,  0.5,  0.25, 1500.0},
};
// clang-format on
} // namespace

const std::vector<TargetDesc> &dnp::cost::targets() { return kTargets; }

const TargetDesc *dnp::cost::findTarget(std::string_view name) {
  for (const TargetDesc &t : kTargets)
    if (t.name == name)
      return &t;
  return nullptr;
}
