#!/usr/bin/python3
"""dnp: one entry point for the dnp tools.

Each subcommand wraps one tool of build/bin (or the Python package) and
passes extra arguments through, so everything the tools can do stays
reachable:

  dnp import   model.onnx -o model.mlir        ONNX -> dnp IR
  dnp report   model.mlir [--json r.json]      MCU resources (PMU, arena, flash, MACs)
  dnp gates    model.mlir -o gated.mlir         one gate per prunable channel group
  dnp prune    gated.mlir -o pruned.mlir        remove the channels gates switched off
  dnp train    model.mlir --budget ... -o out   budgeted pruning during training
  dnp compile  model.mlir --target cortex-m4 -o out/
  dnp run      model.mlir --input x.npy [--output y.npy]
  dnp plot     report.json -o out_dir/          PNG plots of a report
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
# Filled in by CMake when the launcher is copied into build/bin.
CONFIGURED_SOURCE_ROOT = "@PROJECT_SOURCE_DIR@"


def find_tool(name):
    """build/bin/<name> next to this script, else the source tree's build."""
    candidates = [
        os.path.join(HERE, name),
        os.path.join(os.environ.get("DNP_BUILD_DIR", ""), "bin", name),
        os.path.join(HERE, "..", "..", "build", "bin", name),
    ]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    found = shutil.which(name)
    if found:
        return found
    sys.exit("dnp: error: cannot find the '%s' tool; build dnp first "
             "(scripts/setup.sh) or set DNP_BUILD_DIR" % name)


def source_root():
    """The repository root (for the Python package), or None when this
    launcher is an installed one."""
    configured = ([CONFIGURED_SOURCE_ROOT]
                  if CONFIGURED_SOURCE_ROOT and
                  not CONFIGURED_SOURCE_ROOT.startswith("@") else [])
    for c in configured + [os.path.join(HERE, "..", "..")]:
        if os.path.isdir(os.path.join(c, "python", "dnp")):
            return os.path.abspath(c)
    return None


def python_paths():
    """(directory holding the `dnp` package, directory of its CLI scripts):
    the source tree's python/ and python/bin, else the install prefix's
    lib/python3/dist-packages and bin (cmake/DNPInstall.cmake)."""
    root = source_root()
    if root is not None:
        return (os.path.join(root, "python"),
                os.path.join(root, "python", "bin"))
    installed = os.path.normpath(os.path.join(HERE, "..", "lib", "python3",
                                              "dist-packages"))
    if os.path.isdir(os.path.join(installed, "dnp")):
        return installed, HERE
    return None, None


def run(cmd):
    return subprocess.call(cmd)


def python_cli(script, args):
    package_dir, scripts = python_paths()
    if package_dir is None:
        sys.exit("dnp: error: the dnp Python package was not found (neither "
                 "a source tree nor <prefix>/lib/python3/dist-packages next "
                 "to %s)" % HERE)
    env = dict(os.environ)
    env["PYTHONPATH"] = package_dir + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.call(
        ["/usr/bin/python3", os.path.join(scripts, script)] + args, env=env)


def main(argv):
    parser = argparse.ArgumentParser(
        prog="dnp", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="command")

    def add(name, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("model", help="input model")
        return p

    p = add("import", "convert an ONNX model to dnp IR")
    p.add_argument("-o", "--output", required=True)
    p = add("report", "print the model's MCU resources: peak SRAM under the "
            "optimal schedule and under the file order, arena plans, flash, "
            "MACs, cycles, and whether a #dnp.budget fits")
    p.add_argument("--json", help="also write the JSON report here")
    p.add_argument("--target", help="cortex-m4, cortex-m7 or cortex-m55")
    p = add("gates", "attach one gate per prunable channel group")
    p.add_argument("-o", "--output", required=True)
    p = add("prune", "remove the channels trained gates switched off")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--report", help="write the pruning report (JSON)")
    p.add_argument("--min-channels", type=int, default=0)
    p.add_argument("--multiple", type=int, default=1)
    add("train", "train with MCU-budgeted differentiable pruning "
        "(arguments after the model go to dnp-train)")
    add("compile", "compile to a Cortex-M object and header "
        "(arguments after the model go to dnp-compile)")
    add("run", "run the model with the reference executor "
        "(arguments after the model go to dnp-run)")
    add("plot", "draw PNG plots of a JSON report "
        "(arguments after the report go to dnp-report)")

    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    opt = lambda: find_tool("dnp-opt")
    if args.command == "import":
        return python_cli("dnp-import-onnx", [args.model, "-o", args.output]
                          + rest)
    if args.command == "report":
        options = []
        if args.json:
            options.append("json=" + args.json)
        if args.target:
            options.append("target=" + args.target)
        flag = "--dnp-report-resources"
        if options:
            flag += "=" + " ".join(options)
        return run([opt(), args.model, flag, "-o", os.devnull] + rest)
    if args.command == "gates":
        return run([opt(), args.model, "--dnp-insert-gates", "-o",
                    args.output] + rest)
    if args.command == "prune":
        options = ["print-report=true", "min-channels=%d" % args.min_channels,
                   "multiple=%d" % args.multiple]
        if args.report:
            options.append("report=" + args.report)
        return run([opt(), args.model,
                    "--dnp-prune=" + " ".join(options), "-o", args.output]
                   + rest)
    if args.command in ("train", "compile", "run"):
        return run([find_tool("dnp-" + args.command), args.model] + rest)
    if args.command == "plot":
        return python_cli("dnp-report", [args.model] + rest)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
