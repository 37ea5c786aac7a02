"""The peak-memory benchmark's DS-CNN (MLPerf Tiny KWS, 49x10x1, written in
bench/memory/tinyml_models.py) through the torch.fx importer: its Keras
'same' padding of the 10x4/2 stem folds into the convolution (the published
25x5x64 shapes, hence its MACs), and the overlap figures of
`--dnp-report-resources` are stable from run to run and ordered: analysis
<= overlap-aware plan <= dnp's arena == layer-by-layer PMU, in both input
conventions."""

import json
import os
import subprocess
import sys

import pytest

import dnp

torch = pytest.importorskip("torch")

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "bench", "memory")
DNP_OPT = dnp.find_tool("dnp-opt", required=False)

pytestmark = [
    pytest.mark.skipif(DNP_OPT is None, reason="dnp-opt not built"),
    pytest.mark.skipif(not os.path.isdir(BENCH),
                       reason="bench/memory not in this checkout"),
]

# stem 25*5*64*10*4 + 4 x (depthwise 25*5*64*9 + pointwise 25*5*64*64)
# + dense 64*12
KWS_MACS = 320000 + 4 * (72000 + 512000) + 768


def _report(path, extra):
    out = subprocess.run([str(DNP_OPT), str(path),
                          "--dnp-report-resources=json=- quiet=true" + extra,
                          "-o", os.devnull], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["totals"]


def test_dscnn_kws_overlap_figures(tmp_path):
    import dnp.torch
    sys.path.insert(0, BENCH)
    try:
        import tinyml_models
    finally:
        sys.path.remove(BENCH)
    model, x = tinyml_models.build("ds_cnn_kws")
    source = tmp_path / "kws.mlir"
    source.write_text(dnp.torch.convert(model, x).mlir)
    assert "dnp.pad" in source.read_text()  # the asymmetric 'same' pad
    folded = tmp_path / "kws.f32.mlir"
    subprocess.run([str(DNP_OPT), str(source), "--dnp-fold-pad",
                    "--dnp-fold-batch-norm", "--dnp-fuse-activations",
                    "-o", str(folded)], check=True)
    assert "dnp.pad" not in folded.read_text()
    for extra in ("", " exclude-input=true"):
        first, again = _report(folded, extra), _report(folded, extra)
        assert first == again
        assert first["macs"] == KWS_MACS
        assert first["pmu_exact"]
        assert (first["overlapped_pmu_bytes"]
                <= first["overlapped_arena_bytes"]
                <= first["arena_bytes"] == first["pmu_bytes"])
        # the overlap helps here (25x5x64 f32 activations: 32,000 B each)
        assert first["overlapped_arena_bytes"] < first["pmu_bytes"] == 64000
