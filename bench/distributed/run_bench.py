#!/usr/bin/python3
"""dnp-train's data-parallel training (c10d/Gloo) on one machine.

Two measurements, all with `--method none` (plain training, no pruning),
`--val-fraction 0`, one epoch, `--seed 1`, runs one after another:

 1. Throughput. vgg_fmnist, dscnn_fmnist and mobilenetv2_fmnist on
    Fashion-MNIST (--train-limit N, --test-limit 256) at a fixed global batch
    of 128, in three configurations:
      a  1 rank  x 2 threads  (--num-threads 2 --batch-size 128)
      b  1 rank  x 1 thread   (--num-threads 1 --batch-size 128)
      c  2 ranks x 1 thread   (--nproc 2 --num-threads 1 --batch-size 64)
    From the report's "distributed" object: the global rate (sum over ranks
    of samples / max over ranks of time_s, the time in the training batches
    without evaluation), per-rank rates, the share of the training time spent
    in collectives (collective_time_s / time_s, mean over ranks) and the
    epoch's train loss (all-reduced over ranks, so comparable). Plus
      d  dscnn_fmnist as (c) with --sync-batch-norm=false (per-rank batch
         statistics; dscnn is the only example with batch norms).

 2. All-reduce time per step vs model size, from the runs (c), plus
    tiny.mlir (test/Train/Inputs, synthetic data) and VGG with 2 per rank
    (global batch 4, so that computing is small next to the all-reduce).
    Steps per rank = ceil(samples of the rank / per-rank batch). Trainable
    parameters: the weight count `dnp-opt --dnp-report-resources` prints
    (flash of the f32 weights / 4) plus the gamma and beta of every
    dnp.batch_norm in the model file (trained, but folded away in flash).

Every configuration runs --repeats times (default 2), interleaved (all
configurations once, then again); tables give the mean and the min-max
spread over the repeats. The machine may be shared: before each run the
script waits for a quiet second, measures from /proc/stat how many cores
other processes used during the run and reruns a disturbed one (up to
--attempts); only one run_bench.py runs at a time (/tmp/dnp-distbench.lock),
and dnp-train/dnp-opt are copied once at the start under the build lock. Writes bench/results/distributed.md
(--quick: small limits, one repeat, written to a temporary file unless --out
is given).

  /usr/bin/python3 bench/distributed/run_bench.py [--quick] [--repeats R]
      [--train-limit N] [--attempts A] [--out FILE]

Binaries from $DNP_BUILD_DIR/bin (default: build/ of this checkout).
"""
import argparse
import fcntl
import hashlib
import json
import math
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

MODELS = ["vgg_fmnist", "dscnn_fmnist", "mobilenetv2_fmnist"]
TINY = os.path.join(ROOT, "test", "Train", "Inputs", "tiny.mlir")
# name, nproc, threads per rank, batch per rank (global batch 128).
CONFIGS = [("a", "1 rank x 2 threads", 1, 2, 128),
           ("b", "1 rank x 1 thread", 1, 1, 128),
           ("c", "2 ranks x 1 thread", 2, 1, 64)]


def model_path(name):
    return os.path.join(ROOT, "examples", name + ".mlir") if name != "tiny" \
        else TINY


def trainable_params(dnp_opt, path):
    """(weights counted by dnp-opt, batch-norm gamma+beta, total)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([dnp_opt, path,
                        "--dnp-report-resources=json=%s quiet=true" % f.name,
                        "-o", os.devnull], check=True)
        flash = json.load(open(f.name))["totals"]["flash_bytes"]
    weights = flash // 4
    text = open(path).read()
    bn = sum(2 * int(c) for c in re.findall(
        r"dnp\.batch_norm[^:]*:\s*\(\s*tensor<[^>]*>\s*,\s*tensor<(\d+)xf32>",
        text))
    return weights, bn, weights + bn


def cpu_jiffies():
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def steal_jiffies():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[7] if len(v) > 7 else 0


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


TICK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
# A run counts as disturbed when other processes used more than this many
# cores on average while it ran; it is then run again (up to --attempts).
BUSY_LIMIT = 0.10
LOCK = "/tmp/dnp-build.lock"  # what builds of build/ hold (flock)
BENCH_LOCK = "/tmp/dnp-distbench.lock"  # one run_bench.py at a time


def wait_quiet(log, max_wait=180.0):
    """Waits until the other processes use under BUSY_LIMIT cores over one
    second (at most max_wait s); returns the seconds waited."""
    start = time.time()
    while True:
        b0, _ = cpu_jiffies()
        time.sleep(1.0)
        b1, _ = cpu_jiffies()
        busy = (b1 - b0) / TICK
        if busy < BUSY_LIMIT or time.time() - start > max_wait:
            waited = time.time() - start
            if waited > 5:
                log("waited %.0f s for a quiet machine (%.2f cores busy)"
                    % (waited, busy))
            return waited


def run_once(exe, work, model, dataset, nproc, threads, batch, train_limit,
             test_limit, flags=()):
    rep = os.path.join(work, "report.json")
    if os.path.exists(rep):
        os.remove(rep)
    cmd = [exe, model_path(model),
           "--dataset", dataset, "--method", "none", "--epochs", "1",
           "--val-fraction", "0", "--seed", "1", "--quiet",
           "--train-limit", str(train_limit), "--test-limit", str(test_limit),
           "--batch-size", str(batch), "--num-threads", str(threads),
           "--report", rep, "-o", os.path.join(work, "out.mlir")]
    if nproc > 1:
        cmd += ["--nproc", str(nproc)]
    cmd += list(flags)
    cpu0, (busy0, _) = children_cpu(), cpu_jiffies()
    start = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    wall = time.time() - start
    busy1, _ = cpu_jiffies()
    # Cores the other processes used on average while this run ran.
    others = max(0.0, ((busy1 - busy0) / TICK - (children_cpu() - cpu0))
                 / wall)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode,
                                          " ".join(map(shlex.quote, cmd)),
                                          p.stdout))
    r = json.load(open(rep))
    d = r["distributed"]
    ranks = sorted(d["ranks"], key=lambda x: x["rank"])
    assert d["world_size"] == nproc and len(ranks) == nproc, d
    assert d["global_batch"] == nproc * batch, d
    samples = sum(x["samples"] for x in ranks)
    tmax = max(x["time_s"] for x in ranks)
    steps = [math.ceil(x["samples"] / batch) for x in ranks]
    return dict(
        rate=samples / tmax,
        rank_rates=[x["samples"] / x["time_s"] for x in ranks],
        share=sum(x["collective_time_s"] / x["time_s"] for x in ranks)
        / len(ranks),
        coll_step=sum(x["collective_time_s"] / s
                      for x, s in zip(ranks, steps)) / len(ranks),
        coll_step_min=min(x["collective_time_s"] / s
                          for x, s in zip(ranks, steps)),
        compute_ms=sum(1e3 * (x["time_s"] - x["collective_time_s"])
                       / x["samples"] for x in ranks) / len(ranks),
        steps=max(steps),
        loss=r["epochs"][-1]["train_loss"],
        wall=wall,
        train_s=tmax,
        others=others,
        cmd=cmd)


def stats(values):
    return (sum(values) / len(values), min(values), max(values))


def mark(rs):
    """A dagger after a cell of runs of which one stayed disturbed."""
    return " †" if any(r["others"] > BUSY_LIMIT for r in rs) else ""


def fmt(values, spec):
    mean, lo, hi = stats(values)
    if len(values) == 1:
        return spec % mean
    return (spec + " (" + spec + "-" + spec + ")") % (mean, lo, hi)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get(
        "DNP_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: small limits, one repeat")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--train-limit", type=int, default=None,
                    help="Fashion-MNIST training images (default 6400)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--attempts", type=int, default=3,
                    help="runs of a configuration when other processes "
                    "disturb it")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    if args.quick:
        repeats = args.repeats or 1
        limit = args.train_limit or 640
        tiny_limit, small_limit, test_limit = 256, 200, 64
    else:
        repeats = args.repeats or 2
        limit = args.train_limit or 6400
        tiny_limit, small_limit, test_limit = 2048, 2000, 256
    out = args.out or (os.path.join(tempfile.mkdtemp(prefix="dnp-dist-"),
                                    "distributed.md") if args.quick else
                       os.path.join(ROOT, "bench", "results",
                                    "distributed.md"))
    # One instance at a time (two would disturb each other's timings).
    bench_lock = open(BENCH_LOCK, "a")
    try:
        fcntl.flock(bench_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("another run_bench.py holds %s; waiting for it" % BENCH_LOCK,
              flush=True)
        fcntl.flock(bench_lock, fcntl.LOCK_EX)
    work = tempfile.mkdtemp(prefix="dnp-distbench-")
    # A copy of dnp-train (and dnp-opt), taken under the build lock, so that
    # a rebuild during the benchmark neither breaks a run nor mixes binaries.
    bins = {}
    with open(LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        for tool in ("dnp-train", "dnp-opt"):
            src = os.path.join(build, "bin", tool)
            bins[tool] = os.path.join(work, tool)
            shutil.copy2(src, bins[tool])
        fcntl.flock(lock, fcntl.LOCK_UN)
    exe = bins["dnp-train"]
    with open(exe, "rb") as f:
        exe_sha = hashlib.sha256(f.read()).hexdigest()[:12]
    exe_mtime = time.strftime("%Y-%m-%d %H:%M",
                              time.gmtime(os.path.getmtime(exe)))
    load_before = os.getloadavg()
    steal0 = steal_jiffies()
    t0 = time.time()
    disturbed = []  # runs discarded because other processes were busy
    waits = []

    def log(msg):
        print("[%6.1fs] %s" % (time.time() - t0, msg), flush=True)

    def measure(label, *run_args):
        best = None
        for attempt in range(args.attempts):
            waits.append(wait_quiet(log))
            r = run_once(exe, work, *run_args)
            if best is None or r["others"] < best["others"]:
                best = r
            if r["others"] <= BUSY_LIMIT:
                break
            disturbed.append((label, r["others"]))
            log("%s: other processes used %.2f cores during the run; %s"
                % (label, r["others"], "again" if attempt + 1 < args.attempts
                   else "kept the least disturbed attempt"))
        log("%s: %.0f img/s, collectives %.1f%%, loss %.4f, others %.2f "
            "cores" % (label, best["rate"], 100 * best["share"],
                       best["loss"], best["others"]))
        return best

    # The list of runs: (table, key, label, run_once arguments). The repeats
    # are interleaved (the whole list, then again), so that a slow period of
    # the (virtual) machine falls on all configurations alike rather than on
    # the repeats of one.
    plan = []
    for model in MODELS:
        for key, _, nproc, threads, batch in CONFIGS:
            # 1. Throughput (and the runs (c) for 2.).
            plan.append(("results", (model, key), "%s (%s)" % (model, key),
                         (model, "fashion-mnist", nproc, threads, batch,
                          limit, test_limit)))
    # 1b. Batch norm per rank (the only example with batch norms).
    plan.append(("bn", None, "dscnn_fmnist (d)",
                 ("dscnn_fmnist", "fashion-mnist", 2, 1, 64, limit,
                  test_limit, ["--sync-batch-norm=false"])))
    # 2. The smallest model, and VGG at 2 samples per rank.
    for key, _, nproc, threads, batch in CONFIGS:
        plan.append(("extra", ("tiny", key), "tiny (%s)" % key,
                     ("tiny", "synthetic", nproc, threads, batch, tiny_limit,
                      test_limit)))
    for key, nproc, threads, batch in (("a", 1, 2, 4), ("c", 2, 1, 2)):
        plan.append(("extra", ("vgg-b2", key),
                     "vgg_fmnist global batch 4 (%s)" % key,
                     ("vgg_fmnist", "fashion-mnist", nproc, threads, batch,
                      small_limit, test_limit)))
    results = {}  # (model, config) -> [run, ...]
    extra = {}
    bn_runs = []
    for i in range(repeats):
        for table, key, label, run_args in plan:
            r = measure("%s #%d" % (label, i + 1), *run_args)
            if table == "results":
                results.setdefault(key, []).append(r)
            elif table == "extra":
                extra.setdefault(key, []).append(r)
            else:
                bn_runs.append(r)
    total = time.time() - t0
    load_after = os.getloadavg()
    steal = (steal_jiffies() - steal0) / TICK

    params = {m: trainable_params(bins["dnp-opt"], model_path(m))
              for m in MODELS + ["tiny"]}

    cpu = ""
    try:
        for line in subprocess.run(["lscpu"], stdout=subprocess.PIPE,
                                   universal_newlines=True).stdout.splitlines():
            if line.startswith("Model name"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    ncores = subprocess.run(["nproc"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.strip()
    command = "/usr/bin/python3 bench/distributed/run_bench.py"
    if args.quick:
        command += " --quick"
    if args.repeats:
        command += " --repeats %d" % args.repeats
    if args.train_limit:
        command += " --train-limit %d" % args.train_limit
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                         stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.strip()
    dirty = bool(subprocess.run(
        ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
        stdout=subprocess.PIPE, universal_newlines=True).stdout.strip())
    kept = [r for rs in list(results.values()) + list(extra.values())
            for r in rs]

    L = []
    L += ["# Data-parallel dnp-train on one machine (c10d/Gloo)", "",
          "What `dnp-train --nproc N` (docs/Distributed.md) "
          "costs and gains on this machine: training throughput of one rank "
          "against two ranks at the same global batch, and the time the ranks "
          "spend in all-reduces (loss figures, batch-norm statistics, "
          "gradients, size gradients) per step against the model's size. "
          "Plain training (`--method none`), one epoch, `--val-fraction 0`, "
          "`--seed 1`, one run at a time. Times are the report's "
          "`distributed.ranks[].time_s` (training batches only, no "
          "evaluation, no start-up); \"process wall\" is the whole "
          "`dnp-train` process (data loading, rendezvous, evaluation, "
          "writing the model included).", "",
          "- command: `%s`" % command,
          "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
          "- machine: %s, `nproc` = %s, %s (shared: load average %.2f before, "
          "%.2f after the runs)" % (platform.machine(), ncores, cpu or "?",
                                    load_before[0], load_after[0]),
          "- binary: %s/bin/dnp-train, copied at the start (sha256 %s..., "
          "built %s UTC), commit %s%s" % (
              os.path.relpath(build, ROOT) if build.startswith(ROOT + os.sep)
              else build, exe_sha, exe_mtime, git,
              " with local changes" if dirty else ""),
          "- other processes (the machine is shared): before each run the "
          "script waits for a quiet second (under %.2f cores busy); a run "
          "during which other processes used more than %.2f cores on average "
          "is run again (up to %d attempts, keeping the least disturbed). "
          "Discarded runs: %d%s; in the kept runs the others used at most "
          "%.2f cores on average." % (
              BUSY_LIMIT, BUSY_LIMIT, args.attempts, len(disturbed),
              " (%s)" % ", ".join("%s: %.2f" % d for d in disturbed)
              if disturbed else "", max(r["others"] for r in kept)),
          "- CPU steal time reported by the kernel during the benchmark: "
          "%.1f s%s" % (steal, " (a virtual machine that reports none "
                        "hides contention on the host; see the spread "
                        "between repeats)" if steal == 0 else ""),
          "- repeats: %d per configuration, interleaved (every configuration "
          "once, then again); cells give mean (min-max) over the repeats"
          % repeats,
          "- total benchmark time: %.0f s" % total, ""]

    L += ["## 1. Throughput at a global batch of 128", "",
          "Fashion-MNIST, `--train-limit %d --test-limit %d` (%d steps of "
          "128)%s. Configurations: (a) `--num-threads 2 --batch-size 128`, "
          "(b) `--num-threads 1 --batch-size 128`, (c) `--nproc 2 "
          "--num-threads 1 --batch-size 64`. Global rate = sum over ranks of "
          "samples / max over ranks of time_s; per-rank rate = samples / "
          "time_s of that rank; collective share = collective_time_s / "
          "time_s, mean over ranks; compute ms/img/rank = (time_s - "
          "collective_time_s) / samples, mean over ranks (the time a rank "
          "spends per image outside collectives, with its threads); train "
          "loss = the epoch's mean training loss (all-reduced over the "
          "ranks)." % (
              limit, test_limit, math.ceil(limit / 128),
              "" if args.quick or limit == 6400 else
              " (train limit changed from the default 6400)"), "",
          "| model | config | global img/s | per-rank img/s | vs (a) | "
          "collective share | compute ms/img/rank | train loss | "
          "process wall (s) |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for model in MODELS:
        base = stats([r["rate"] for r in results[(model, "a")]])[0]
        for key, label, nproc, _, _ in CONFIGS:
            rs = results[(model, key)]
            per_rank = " / ".join(
                "%.0f" % stats([r["rank_rates"][k] for r in rs])[0]
                for k in range(nproc))
            L.append("| %s | (%s) %s | %s | %s | %.2fx | %s | %s | %s | %s |" % (
                model, key, label,
                fmt([r["rate"] for r in rs], "%.0f") + mark(rs),
                per_rank, stats([r["rate"] for r in rs])[0] / base,
                fmt([100 * r["share"] for r in rs], "%.1f%%")
                if nproc > 1 else "-",
                fmt([r["compute_ms"] for r in rs], "%.3f"),
                fmt([r["loss"] for r in rs], "%.4f"),
                fmt([r["wall"] for r in rs], "%.1f")))
    L.append("")
    L += ["### Batch norm synchronised or per rank (dscnn_fmnist)", "",
          "dscnn_fmnist is the only example with batch norms (8 of them). "
          "By default (c) normalises with the global batch's statistics: "
          "two more all-reduces per batch norm and step (forward and "
          "backward). (d) is (c) with `--sync-batch-norm=false`: each rank "
          "normalises with its own 64 samples and the running statistics "
          "are averaged over the ranks at the end of every epoch.", "",
          "| config | global img/s | vs (a) | collective share | train loss |",
          "|---|---:|---:|---:|---:|"]
    base = stats([r["rate"] for r in results[("dscnn_fmnist", "a")]])[0]
    for key, label, rs in (
            ("c", "(c) 2 ranks x 1 thread, synchronised",
             results[("dscnn_fmnist", "c")]),
            ("d", "(d) 2 ranks x 1 thread, per rank", bn_runs)):
        L.append("| %s | %s | %.2fx | %s | %s |" % (
            label, fmt([r["rate"] for r in rs], "%.0f"),
            stats([r["rate"] for r in rs])[0] / base,
            fmt([100 * r["share"] for r in rs], "%.1f%%"),
            fmt([r["loss"] for r in rs], "%.4f")))
    L.append("")

    L += ["## 2. All-reduce time per step against model size", "",
          "Runs (c) (2 ranks x 1 thread, 64 per rank) from section 1; tiny: "
          "test/Train/Inputs/tiny.mlir on `--dataset synthetic --train-limit "
          "%d` (also 64 per rank); VGG, global batch 4: `--nproc 2 "
          "--num-threads 1 --batch-size 2 --train-limit %d`. Trainable "
          "parameters = the weights `dnp-opt --dnp-report-resources` counts "
          "(flash bytes of the f32 weights / 4) + gamma and beta of each "
          "`dnp.batch_norm` in the model file (trained, folded away in "
          "flash); bytes = 4 per parameter, the size of one gradient "
          "all-reduce. Collective s/step: collective_time_s / steps of the "
          "rank, mean over the ranks (it includes waiting for the slower "
          "rank); min rank: the rank that waited least, closer to the cost "
          "of the exchange itself; bandwidth = gradient bytes / min-rank "
          "s/step." % (tiny_limit, small_limit), "",
          "| model | trainable params | gradient bytes | steps/rank | "
          "collective ms/step | min-rank ms/step | bandwidth (MB/s) | "
          "collective share | global img/s (c) | img/s (a), same batch |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = [("tiny (synthetic)", "tiny", extra[("tiny", "c")],
             extra[("tiny", "a")])]
    rows += [(m, m, results[(m, "c")], results[(m, "a")]) for m in MODELS]
    rows.append(("vgg_fmnist, 2 per rank", "vgg_fmnist",
                 extra[("vgg-b2", "c")], extra[("vgg-b2", "a")]))
    rows.sort(key=lambda row: (params[row[1]][2], row[0]))
    for label, m, rs, ra in rows:
        w, bn, n = params[m]
        nbytes = 4 * n
        mins = [r["coll_step_min"] for r in rs]
        L.append("| %s | %d%s | %d | %d | %s | %s | %.1f | %s | %s | %s |" % (
            label, n, " (%d + %d BN)" % (w, bn) if bn else "", nbytes,
            rs[0]["steps"], fmt([1e3 * r["coll_step"] for r in rs], "%.2f"),
            fmt([1e3 * x for x in mins], "%.2f"),
            nbytes / stats(mins)[0] / 1e6 if stats(mins)[0] > 0 else 0,
            fmt([100 * r["share"] for r in rs], "%.1f%%"),
            fmt([r["rate"] for r in rs], "%.0f") + mark(rs),
            fmt([r["rate"] for r in ra], "%.0f") + mark(ra)))
    L.append("")
    if any(mark(rs) for rs in list(results.values()) +
           list(extra.values())):
        L += ["†: a run of this cell stayed disturbed by other processes "
              "(over %.2f cores on average) after %d attempts." % (
                  BUSY_LIMIT, args.attempts), ""]
    L += ["The last column is config (a) (1 rank x 2 threads) at the same "
          "global batch (128, or 4 for the 2-per-rank row), for comparison.",
          ""]

    # Observations from the numbers.
    def mean_rate(model, key):
        return stats([r["rate"] for r in results[(model, key)]])[0]

    obs = []
    ratios = {m: mean_rate(m, "c") / mean_rate(m, "a") for m in MODELS}
    def verdict(m):
        c = stats([r["rate"] for r in results[(m, "c")]])
        a = stats([r["rate"] for r in results[(m, "a")]])
        if c[1] > a[2]:
            return "faster"
        if c[2] < a[1]:
            return "slower"
        return "within the spread"
    obs.append(
        "On these %s cores, 2 ranks x 1 thread ran at %s the rate of 1 rank "
        "x 2 threads (%s): %s, judged by whether the min-max ranges of the "
        "repeats overlap." % (
            ncores, ", ".join("%.2fx" % ratios[m] for m in MODELS),
            ", ".join(MODELS),
            "; ".join("%s for %s" % (verdict(m), m) for m in MODELS)))
    sc = {m: mean_rate(m, "a") / mean_rate(m, "b") for m in MODELS}
    obs.append(
        "Going from 1 to 2 threads in one rank gave %s; going from 1 to 2 "
        "ranks (1 thread each) gave %s." % (
            ", ".join("%.2fx" % sc[m] for m in MODELS),
            ", ".join("%.2fx" % (mean_rate(m, "c") / mean_rate(m, "b"))
                      for m in MODELS)))
    shares = {m: stats([r["share"] for r in results[(m, "c")]])[0]
              for m in MODELS}
    obs.append(
        "At 64 images per rank the collectives took %s of the ranks' "
        "training time (%s); the VGG run at 2 images per rank spent %.0f%% "
        "in them, %.2f ms per step for %d gradient bytes." % (
            ", ".join("%.1f%%" % (100 * shares[m]) for m in MODELS),
            ", ".join(MODELS),
            100 * stats([r["share"] for r in extra[("vgg-b2", "c")]])[0],
            1e3 * stats([r["coll_step"] for r in extra[("vgg-b2", "c")]])[0],
            4 * params["vgg_fmnist"][2]))
    losses = [abs(stats([r["loss"] for r in results[(m, "c")]])[0] -
                  stats([r["loss"] for r in results[(m, "a")]])[0])
              for m in MODELS]
    obs.append(
        "The epoch's train loss of (c) differs from (a) by at most %.2g "
        "(same seed, same global batches), so both configurations train the "
        "same model." % max(losses))
    comp = {m: stats([r["compute_ms"] for r in results[(m, "c")]])[0] /
            stats([r["compute_ms"] for r in results[(m, "b")]])[0]
            for m in MODELS}
    obs.append(
        "Outside the collectives a rank of (c) spent %s the time per image "
        "of the single 1-thread rank (b) (%s)." % (
            ", ".join("%.2fx" % comp[m] for m in MODELS), ", ".join(MODELS)))
    obs.append(
        "Per-rank batch norm (d) ran dscnn_fmnist at %.2fx the rate of "
        "synchronised batch norm (c), with %.1f%% of the time in "
        "collectives instead of %.1f%%." % (
            stats([r["rate"] for r in bn_runs])[0] /
            mean_rate("dscnn_fmnist", "c"),
            100 * stats([r["share"] for r in bn_runs])[0],
            100 * stats([r["share"] for r in
                         results[("dscnn_fmnist", "c")]])[0]))
    best = max(MODELS, key=lambda m: ratios[m])
    obs.append(
        "Both ranks share this machine's %s cores, so on one machine 2 ranks "
        "only split the same cores between processes (twice the 1-thread "
        "rate (b) would be %s for %s, which ran at %.0f img/s in (c)); what "
        "a second machine would add is another rank's "
        "compute, while the collective time, here over loopback between "
        "processes competing for the same cores, would change with the "
        "network (not measured)." % (
            ncores, "%.0f img/s" % (2 * mean_rate(best, "b")), best,
            mean_rate(best, "c")))
    spreads = []
    for (m, key), rs in list(results.items()) + list(extra.items()):
        rates = [r["rate"] for r in rs]
        if len(rates) > 1 and all(r["others"] <= BUSY_LIMIT for r in rs):
            spreads.append((max(rates) / min(rates), m, key))
    if spreads:
        worst = max(spreads)
        obs.append(
            "Repeats of one configuration differed by up to %.2fx in rate "
            "(%s, config (%s); median max/min over all configurations "
            "%.2fx; configurations with an undisturbed run only) although "
            "other processes used at most %.2f cores during them by "
            "/proc/stat: differences smaller than that are within the noise "
            "of this machine." % (worst[0], {"vgg-b2": "vgg_fmnist at global "
                                     "batch 4"}.get(worst[1], worst[1]),
                          worst[2],
                          sorted(x[0] for x in spreads)[len(spreads) // 2],
                          BUSY_LIMIT))
    L += ["## Observations", ""] + ["- " + o for o in obs] + [""]

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(L))
    print("\n".join(L))
    print("wrote %s (%.0f s)" % (out, total))


if __name__ == "__main__":
    main()
