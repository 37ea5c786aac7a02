"""Shared pytest setup: makes `python/` importable and offers `requires_dnp_run`."""

import os
import sys

import pytest

_PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# DNP_INSTALLED_PACKAGE=1 (scripts/test-install.sh): test the `dnp` package
# installed by pip instead of this checkout's python/.
_INSTALLED = os.environ.get("DNP_INSTALLED_PACKAGE") == "1"
if not _INSTALLED and _PYTHON_DIR not in sys.path:
    sys.path.insert(0, _PYTHON_DIR)

import dnp  # noqa: E402

if _INSTALLED and os.path.realpath(dnp.__file__).startswith(
        os.path.realpath(_PYTHON_DIR) + os.sep):
    raise RuntimeError(f"DNP_INSTALLED_PACKAGE=1 but dnp comes from the "
                       f"checkout: {dnp.__file__}")

DNP_RUN = dnp.find_tool("dnp-run", required=False)

#: Mark for tests that execute models with the reference interpreter.
requires_dnp_run = pytest.mark.skipif(
    DNP_RUN is None,
    reason=f"dnp-run not built (looked in {dnp.build_dir() / 'bin'}; set "
           "DNP_BUILD_DIR or run `ninja -C build dnp-run`)")
