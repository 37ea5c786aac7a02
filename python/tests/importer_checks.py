"""Checks the importer tests share: a module exported to ONNX bytes, and an
imported model run by dnp-run against the PyTorch module it came from."""

import io

import numpy as np
import torch

import dnp

#: Largest |dnp-run - PyTorch| accepted for f32 models.
TOL = 1e-4


def onnx_bytes(model, x, opset=None, **export_args):
    """`model` traced on `x` and exported to ONNX (torch.onnx.export's
    default opset unless `opset` is given)."""
    f = io.BytesIO()
    if opset is not None:
        export_args["opset_version"] = opset
    torch.onnx.export(model, x, f, **export_args)
    return f.getvalue()


def check_imported(imported, model, x, tol=TOL):
    """The imported model (dnp.onnx/dnp.torch result) run by dnp-run on `x`
    equals `model(x)` within `tol`, in PyTorch's layout."""
    with torch.no_grad():
        ref = model(x).numpy()
    (y,) = dnp.run(imported.mlir, [imported.inputs[0].to_dnp(x.numpy())])
    y = imported.outputs[0].from_dnp(y)
    assert y.shape == ref.shape
    assert np.max(np.abs(y - ref)) <= tol
