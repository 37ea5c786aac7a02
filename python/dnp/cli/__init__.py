"""Command-line entry points of the dnp Python package.

`dnp-import-onnx` (dnp.cli.import_onnx) and `dnp-report` (dnp.cli.report):
the scripts in python/bin of a checkout, in <prefix>/bin of an installed
dnp, and the console scripts of `pip install ./python` all call these
`main` functions.
"""
