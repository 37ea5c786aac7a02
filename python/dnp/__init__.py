"""Python tools for dnp: model import (ONNX, PyTorch), running models with
the reference executor, and plotting the JSON reports.

    import dnp
    ys = dnp.run("model.mlir", [x_nhwc])          # -> list of np.ndarray
    text = dnp.onnx.import_model("model.onnx")     # dnp IR
    text = dnp.torch.export(module, example_input)
    dnp.report.plot_memory_timeline(report, "mem.png")

The submodules `onnx`, `torch`, `report` and `mlir` are imported on first
use, so `import dnp` does not load PyTorch or matplotlib.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

__all__ = ["run", "find_tool", "build_dir", "repo_root", "DnpRunError",
           "num_results"]

_SUBMODULES = ("onnx", "torch", "report", "mlir", "frontend", "pruner")
# dnp.Pruner (python/dnp/pruner.py) without importing PyTorch on `import dnp`.
_LAZY = {"Pruner": "pruner", "PrunerError": "pruner"}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__),
                       name)
    raise AttributeError(f"module 'dnp' has no attribute {name!r}")


class DnpRunError(RuntimeError):
    """dnp-run failed; the message holds its error output."""


def repo_root() -> Path:
    """The dnp checkout this package lives in (`<repo>/python/dnp`)."""
    return Path(__file__).resolve().parents[2]


def build_dir() -> Path:
    """`$DNP_BUILD_DIR`, or `<repo>/build`."""
    env = os.environ.get("DNP_BUILD_DIR")
    return Path(env) if env else repo_root() / "build"


def _extend_path_with_native() -> None:
    """`dnp._native` (the C++ cost model, lib/Bindings/Python) is built into
    `<build>/python/dnp`; a checkout's package finds it there. An installed
    package has it next to its modules."""
    native = build_dir() / "python" / "dnp"
    if native.is_dir() and str(native) not in __path__:
        __path__.append(str(native))


_extend_path_with_native()


def _installed_bin() -> Optional[Path]:
    """`<prefix>/bin` when this package is installed under
    `<prefix>/lib/python3/dist-packages` (cmake --install, the Debian
    package), else None."""
    here = Path(__file__).resolve().parent
    if here.parent.name in ("dist-packages", "site-packages"):
        for up in here.parents:
            if up.name == "lib":
                return up.parent / "bin"
    return None


def find_tool(name: str = "dnp-run", required: bool = True) -> Optional[Path]:
    """Path of a dnp tool: `build_dir()/bin` (a checkout, or
    $DNP_BUILD_DIR), else the `bin` of the prefix this package is installed
    in, else PATH. With `required`, a missing tool raises
    FileNotFoundError; otherwise None is returned."""
    candidates = [build_dir() / "bin" / name]
    installed = _installed_bin()
    if installed is not None and not os.environ.get("DNP_BUILD_DIR"):
        candidates.append(installed / name)
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    if not os.environ.get("DNP_BUILD_DIR"):
        found = shutil.which(name)
        if found:
            return Path(found)
    if required:
        raise FileNotFoundError(
            f"{name} not found at {candidates[0]}; build it (ninja -C build "
            f"{name}), set DNP_BUILD_DIR to the build directory, or install "
            "dnp")
    return None


_FUNC_RE = re.compile(r"func\.func\s+(?:public\s+)?@([\w$.]+)\s*\(")


def num_results(mlir_text: str, entry: Optional[str] = None) -> int:
    """Number of results of the (first public, or `entry`) function."""
    for m in _FUNC_RE.finditer(mlir_text):
        if entry and m.group(1) != entry:
            continue
        # Skip the argument list (balanced parentheses).
        i, depth = m.end(), 1
        while i < len(mlir_text) and depth:
            ch = mlir_text[i]
            depth += ch == "("
            depth -= ch == ")"
            i += 1
        rest = mlir_text[i:].lstrip()
        if not rest.startswith("->"):
            return 0
        rest = rest[2:].lstrip()
        if rest.startswith("("):
            j, depth = 1, 1
            while j < len(rest) and depth:
                depth += rest[j] == "("
                depth -= rest[j] == ")"
                j += 1
            sig = rest[1:j - 1]
        else:
            sig = re.match(r"[^\s{]+", rest).group(0)
        # Count top-level types (commas outside <...>).
        count, depth = (1 if sig.strip() else 0), 0
        for ch in sig:
            depth += ch == "<"
            depth -= ch == ">"
            count += ch == "," and depth == 0
        return count
    raise ValueError("no function" + (f" @{entry}" if entry else "") +
                     " found in the model")


def run(model, inputs: Sequence[np.ndarray], entry: Optional[str] = None,
        timeout: float = 300.0) -> List[np.ndarray]:
    """Runs a dnp model with the reference executor `dnp-run`.

    `model` is a path to a `.mlir` file or the IR text itself; `inputs` are
    the function's arguments (converted to float32; 4-D ones are NHWC).
    Returns the results as float32 arrays. Raises `DnpRunError` when dnp-run
    fails and FileNotFoundError when it is not built.
    """
    if isinstance(model, (str, os.PathLike)) and os.path.exists(model):
        model_path = os.fspath(model)
        text = Path(model_path).read_text()
        label = model_path
    elif isinstance(model, str) and "func.func" in model:
        text = model
        model_path = None
        label = "<model text>"
    else:
        raise FileNotFoundError(f"model file not found: '{model}'")
    n_out = num_results(text, entry)
    tool = find_tool("dnp-run")
    with tempfile.TemporaryDirectory(prefix="dnp-run-") as tmp:
        if model_path is None:
            model_path = os.path.join(tmp, "model.mlir")
            Path(model_path).write_text(text)
        cmd = [str(tool), model_path]
        if entry:
            cmd += ["--entry", entry]
        for i, x in enumerate(inputs):
            p = os.path.join(tmp, f"in{i}.npy")
            np.save(p, np.ascontiguousarray(np.asarray(x, dtype=np.float32)))
            cmd += ["--input", p]
        outs = [os.path.join(tmp, f"out{i}.npy") for i in range(n_out)]
        for p in outs:
            cmd += ["--output", p]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            raise DnpRunError(f"dnp-run failed (exit {proc.returncode}) on "
                              f"{label}:\n"
                              + (proc.stderr.strip() or proc.stdout.strip()))
        return [np.load(p) for p in outs]
