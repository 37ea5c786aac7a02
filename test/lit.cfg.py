# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "DNP"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dnp_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%dnp_src", config.dnp_src_root))
config.substitutions.append(("%dnp_libs", config.dnp_lib_dir))
# The `dnp` launcher; a substitution rather than a tool name so that it does
# not collide with the many `dnp` words on RUN lines.
config.substitutions.append(
    ("%dnp_cli", os.path.join(config.dnp_tools_dir, "dnp")))
upstream_mlir_opt = os.path.join(config.llvm_tools_dir, "mlir-opt")
if config.dnp_sanitizers:
    # An instrumented plugin inside Debian's uninstrumented mlir-opt needs the
    # sanitizer runtimes loaded first.
    import subprocess

    def runtime(name):
        return subprocess.check_output(
            [config.cxx_compiler, "-print-file-name=" + name], text=True).strip()

    upstream_mlir_opt = "env LD_PRELOAD=%s:%s ASAN_OPTIONS=detect_leaks=0 %s" % (
        runtime("libasan.so"), runtime("libubsan.so"), upstream_mlir_opt)
config.substitutions.append(("%mlir_opt_upstream", upstream_mlir_opt))
# Debian's python3 with numpy; the first python3 on PATH may be another.
config.substitutions.append(("%python", "/usr/bin/python3"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# `not`, `count` and FileCheck live in LLVM's tools directory, which is not on
# a user's PATH on Debian.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

tool_dirs = [config.dnp_tools_dir, config.llvm_tools_dir]
tools = ["dnp-opt", "dnp-run", "dnp-train", "dnp-compile"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Cortex-M: the bare-metal runtime, and whether its toolchain and QEMU exist.
import shutil
config.substitutions.append(
    ("%dnp_runtime", os.path.join(config.dnp_src_root, "runtime")))
config.substitutions.append(
    ("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")))
# Upstream mlir-opt without the dnp plugin (so never wrapped in env).
config.substitutions.append(
    ("%mlir_opt_bin", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(
    ("%llvm_libdir", os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")))
if shutil.which("arm-none-eabi-gcc"):
    config.available_features.add("arm-none-eabi")
if shutil.which("qemu-system-arm"):
    config.available_features.add("qemu")
