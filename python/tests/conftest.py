"""Shared pytest setup: makes `python/` importable and offers `requires_dnp_run`."""

import os
import sys

import pytest

_PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _PYTHON_DIR not in sys.path:
    sys.path.insert(0, _PYTHON_DIR)

import dnp  # noqa: E402

DNP_RUN = dnp.find_tool("dnp-run", required=False)

#: Mark for tests that execute models with the reference interpreter.
requires_dnp_run = pytest.mark.skipif(
    DNP_RUN is None,
    reason=f"dnp-run not built (looked in {dnp.build_dir() / 'bin'}; set "
           "DNP_BUILD_DIR or run `ninja -C build dnp-run`)")
