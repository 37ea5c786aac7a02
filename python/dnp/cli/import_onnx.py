"""dnp-import-onnx: convert an ONNX model to dnp IR.

    dnp-import-onnx model.onnx -o model.mlir

The dnp function takes NHWC inputs where the ONNX model takes NCHW ones
(transpose with x.transpose(0, 2, 3, 1)); 4-D results are NHWC too. Every
unsupported node is listed in one error (exit status 1).
"""

import argparse
import sys


def _shape(text):
    name, _, dims = text.partition("=")
    if not name or not dims:
        raise argparse.ArgumentTypeError(f"expected NAME=D0,D1,..., got '{text}'")
    try:
        return name, tuple(int(d) for d in dims.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad dimensions in '{text}'") from None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="dnp-import-onnx", description="Convert an ONNX model to dnp IR.")
    parser.add_argument("model", help="ONNX model file")
    parser.add_argument("-o", "--output", default="-",
                        help="output .mlir file (default: stdout)")
    parser.add_argument("--no-fuse", action="store_true",
                        help="keep Relu/Clip as separate dnp ops")
    parser.add_argument("--func-name", default="model",
                        help="name of the dnp function (default: model)")
    parser.add_argument("--input-shape", type=_shape, action="append",
                        default=[], metavar="NAME=D0,D1,...",
                        help="static shape for an input with symbolic dims")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print the input/output layouts to stderr")
    args = parser.parse_args(argv)

    import dnp.onnx

    try:
        imported = dnp.onnx.convert(args.model, fuse=not args.no_fuse,
                                    func_name=args.func_name,
                                    input_shapes=dict(args.input_shape))
    except (OSError, ValueError) as e:
        print(f"dnp-import-onnx: error: {e}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(imported.mlir)
    else:
        with open(args.output, "w") as f:
            f.write(imported.mlir)
    if args.verbose:
        for kind, infos in (("input", imported.inputs), ("output", imported.outputs)):
            for info in infos:
                print(f"{kind} {info.name}: onnx {list(info.shape)} -> dnp "
                      f"{list(info.dnp_shape)} ({info.layout})", file=sys.stderr)
    return 0

