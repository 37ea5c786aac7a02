"""dnp-train across processes (docs/Distributed.md): two ranks on 127.0.0.1
train what one process trains on the same global batch; a dead or silent
rank stops the others with its name within the timeout; the job resumes
from the last checkpoint with another world size; bad launches are clear
errors. Every case runs the real tool (c10d's TCPStore and Gloo)."""

import binascii
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import dnp

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "test/Train/Inputs/tiny.mlir"
TRAIN = dnp.find_tool("dnp-train", required=False)

pytestmark = pytest.mark.skipif(
    TRAIN is None, reason="dnp-train not built (LibTorch off?)")

# Synthetic data, 16 global batches of 32 over 2 epochs, pruning under a
# budget (both prunable groups shrink), cosine learning rate.
COMMON = [str(TINY), "--dataset", "synthetic", "--train-limit", "512",
          "--test-limit", "64", "--val-fraction", "0",
          "--budget", "flash=900,macs=8K", "--epochs", "2",
          "--prune-every", "3", "--size-lr", "0.05", "--seed", "7",
          "--quiet"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rank_env(rank, world, port, addr="127.0.0.1", **extra):
    env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world),
               LOCAL_RANK=str(rank), MASTER_ADDR=addr, MASTER_PORT=str(port))
    env.pop("DNP_TRAIN_FAULT", None)
    env.update(extra)
    return env


def train(args, **kw):
    return subprocess.run([str(TRAIN), *args], capture_output=True,
                          text=True, timeout=300, **kw)


def weights(path):
    """Every float of the model's resource blobs, in order."""
    values = []
    for blob in re.findall(r'\w+: "0x([0-9A-F]+)"', Path(path).read_text()):
        raw = binascii.unhexlify(blob)[4:]  # 4 bytes of alignment first
        values += struct.unpack(f"<{len(raw) // 4}f", raw)
    return np.array(values)


def groups(report):
    data = json.loads(Path(report).read_text())
    return [(g["after"], g["alive"]) for g in data["groups"]], data


def one_and_two(tmp_path, extra):
    """The same job as 1 rank x 32 samples and as 2 ranks x 16 samples."""
    one = train([*COMMON, *extra, "--batch-size", "32",
                 "-o", str(tmp_path / "one.mlir"),
                 "--report", str(tmp_path / "one.json")])
    assert one.returncode == 0, one.stderr
    two = train([*COMMON, *extra, "--batch-size", "16", "--nproc", "2",
                 "-o", str(tmp_path / "two.mlir"),
                 "--report", str(tmp_path / "two.json")])
    assert two.returncode == 0, two.stderr
    return groups(tmp_path / "one.json"), groups(tmp_path / "two.json")


def test_two_ranks_train_what_one_process_trains_sgd(tmp_path):
    # With SGD the only difference is the order of the sums (the gradients
    # of two halves of the batch added by Gloo, the batch-norm statistics
    # of two halves): the weights agree to float rounding. Without
    # synchronised batch norm or the weighting by each rank's share of the
    # batch, they would be off by orders of magnitude more.
    (one, _), (two, report) = one_and_two(
        tmp_path, ["--optimizer", "sgd", "--lr", "0.05"])
    assert one == two
    assert any(after < before for (after, _), before in
               zip(one, [2, 8, 12, 3]))
    a, b = weights(tmp_path / "one.mlir"), weights(tmp_path / "two.mlir")
    assert a.shape == b.shape and a.size > 100
    assert np.abs(a - b).max() <= 1e-5 * np.abs(a).max()
    dist = report["distributed"]
    assert dist["world_size"] == 2 and dist["global_batch"] == 32
    assert [r["samples"] for r in dist["ranks"]] == [512, 512]
    assert all(r["images_per_s"] > 0 and r["collective_time_s"] > 0
               for r in dist["ranks"])


def test_two_ranks_prune_the_same_channels_adam(tmp_path):
    # Adam turns rounding-level differences of gradients that are zero in
    # exact arithmetic (a bias before batch norm) into steps of +-lr, so
    # the weights agree less closely; the pruning decisions (channel
    # counts and which channels) are the same.
    (one, _), (two, _) = one_and_two(tmp_path, ["--lr", "3e-3"])
    assert one == two
    a, b = weights(tmp_path / "one.mlir"), weights(tmp_path / "two.mlir")
    assert np.abs(a - b).max() <= 0.05 * np.abs(a).max()


def test_per_rank_batch_norm_averages_the_running_statistics(tmp_path):
    # --sync-batch-norm=false: each rank normalises with its own 16 samples
    # (so the result is not the one-process result), and the running
    # statistics are averaged over the ranks before they are used; the run
    # ends by checking that both ranks hold the same weights bit for bit,
    # which fails unless the averaging happened.
    (one, _), (two, _) = one_and_two(
        tmp_path, ["--optimizer", "sgd", "--lr", "0.05",
                   "--sync-batch-norm=false"])
    a, b = weights(tmp_path / "one.mlir"), weights(tmp_path / "two.mlir")
    assert a.shape != b.shape or np.abs(a - b).max() > 1e-4


def test_two_rank_model_prunes_runs_and_compiles(tmp_path):
    out = tmp_path / "two.mlir"
    r = train([*COMMON, "--batch-size", "16", "--nproc", "2", "--verify",
               "8", "-o", str(out)])
    assert r.returncode == 0, r.stderr
    assert "predictions agree on 8" in r.stderr
    opt = dnp.find_tool("dnp-opt")
    again = subprocess.run([str(opt), str(out), "--dnp-prune"],
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("dnp.conv2d") == out.read_text().count(
        "dnp.conv2d")
    x = np.random.default_rng(0).standard_normal((1, 8, 8, 2),
                                                 dtype=np.float32)
    (y,) = dnp.run(str(out), [x])
    assert y.shape == (1, 3) and np.isfinite(y).all()
    compile_ = subprocess.run(
        [str(dnp.find_tool("dnp-compile")), str(out), "--target=host",
         "-o", str(tmp_path / "c"), "--name", "tiny"],
        capture_output=True, text=True)
    assert compile_.returncode == 0, compile_.stderr
    assert "arena" in compile_.stdout


def start_ranks(args, port, faults=None, world=2):
    faults = faults or {}
    procs = []
    for rank in range(world):
        extra = {"DNP_TRAIN_FAULT": faults[rank]} if rank in faults else {}
        procs.append(subprocess.Popen(
            [str(TRAIN), *args], env=rank_env(rank, world, port, **extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return procs


def test_a_killed_rank_stops_the_other_and_the_job_resumes_alone(tmp_path):
    ckpt = tmp_path / "ck"
    args = [*COMMON, "--epochs", "3", "--batch-size", "16", "--checkpoint",
            str(ckpt), "--dist-timeout", "20", "-o", str(tmp_path / "x.mlir")]
    start = time.monotonic()
    # Rank 1 dies by SIGKILL before step 20 (epoch 2 of 3, 16 steps each).
    r0, r1 = start_ranks(args, free_port(), {1: "kill@20"})
    _, err0 = r0.communicate(timeout=60)
    elapsed = time.monotonic() - start
    _, err1 = r1.communicate(timeout=60)
    assert r1.returncode == -signal.SIGKILL, err1
    assert r0.returncode == 1, err0
    assert "rank 1 died or stopped answering" in err0, err0
    assert f"the last good checkpoint is {ckpt}/checkpoint.pt" in err0, err0
    assert elapsed < 20, "a closed connection is noticed at once"
    assert (ckpt / "checkpoint.pt").is_file()
    assert not (ckpt / "checkpoint.pt.partial").exists()
    # One process takes over from the checkpoint of epoch 1.
    resumed = train([*args[:-2], "--resume", "-o",
                     str(tmp_path / "resumed.mlir"), "--report",
                     str(tmp_path / "resumed.json")])
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads((tmp_path / "resumed.json").read_text())
    assert report["budget_met"] and len(report["epochs"]) == 3
    assert report["distributed"]["world_size"] == 1


def test_a_silent_rank_is_named_within_the_timeout(tmp_path):
    args = [*COMMON, "--batch-size", "16", "--dist-timeout", "3",
            "-o", str(tmp_path / "x.mlir")]
    start = time.monotonic()
    r0, r1 = start_ranks(args, free_port(), {1: "hang@10"})
    try:
        _, err0 = r0.communicate(timeout=60)
        elapsed = time.monotonic() - start
    finally:
        r1.kill()
        r1.communicate()
    assert r0.returncode == 1
    assert "Timed out" in err0 and "rank 1 died or stopped answering" in err0
    # The timeout, then up to 5 s for the other ranks' reports, plus start.
    assert elapsed < 3 + 5 + 10, elapsed


def test_nproc_reports_the_rank_that_failed(tmp_path):
    r = subprocess.run(
        [str(TRAIN), *COMMON, "--batch-size", "16", "--nproc", "2",
         "--dist-timeout", "10", "-o", str(tmp_path / "x.mlir")],
        env=dict(os.environ, DNP_TRAIN_FAULT="kill@4"), capture_output=True,
        text=True, timeout=120)
    assert r.returncode == 1
    assert re.search(r"rank [01] \(pid \d+\) was killed by signal 9", r.stderr)


def test_ranks_that_disagree_refuse_to_start(tmp_path):
    port = free_port()
    args = [*COMMON, "--batch-size", "16", "--dist-timeout", "20",
            "-o", str(tmp_path / "x.mlir")]
    procs = [subprocess.Popen(
        [str(TRAIN), *args, *(["--lr", "0.01"] if rank else [])],
        env=rank_env(rank, 2, port), stderr=subprocess.PIPE, text=True)
        for rank in range(2)]
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [1, 1]
    for err in errs:
        assert ("the ranks disagree on the training options; rank 1 has "
                "'...lr=0.01...' where rank 0 has '...lr=0.001...'") in err
    assert not (tmp_path / "x.mlir").exists()
    # A different model is refused too.
    other = tmp_path / "other.mlir"
    other.write_text(TINY.read_text().replace("seed 1 scale 0.6",
                                              "seed 11 scale 0.6"))
    port = free_port()
    procs = [subprocess.Popen(
        [str(TRAIN), str(other if rank else TINY), *args[1:]],
        env=rank_env(rank, 2, port), stderr=subprocess.PIPE, text=True)
        for rank in range(2)]
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [1, 1]
    assert "the ranks disagree on the model" in errs[0]


def test_port_in_use_and_unreachable_master(tmp_path):
    args = [*COMMON, "--batch-size", "16", "--dist-timeout", "2",
            "-o", str(tmp_path / "x.mlir")]
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = train(args, env=rank_env(0, 2, port))
    assert r.returncode == 1
    assert (f"rank 0 cannot host the rendezvous store on 127.0.0.1:{port}"
            in r.stderr and "port in use" in r.stderr), r.stderr
    assert "WARNING: Logging before InitGoogleLogging" not in r.stderr
    port = free_port()
    start = time.monotonic()
    r = train(args, env=rank_env(1, 2, port))
    assert r.returncode == 1
    assert (f"rank 1 cannot reach the master at 127.0.0.1:{port} within 2 s"
            in r.stderr), r.stderr
    assert time.monotonic() - start < 30
    r = train(args, env=rank_env(2, 2, port))
    assert r.returncode == 1
    assert "rank 2 is outside the world of 2 ranks (0..1)" in r.stderr
    r = train(args, env=dict(rank_env(0, 2, port), WORLD_SIZE="two"))
    assert "WORLD_SIZE='two' is not a non-negative integer" in r.stderr


def _netns_unavailable():
    if shutil.which("ip") is None:
        return "the ip tool (iproute2) is not installed"
    probe = subprocess.run(["ip", "netns", "add", "dnp-probe"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return ("cannot create network namespaces here: " +
                probe.stderr.strip())
    subprocess.run(["ip", "netns", "del", "dnp-probe"], capture_output=True)
    return None


def test_two_hosts_in_network_namespaces(tmp_path):
    """Rank 0 and rank 1 in separate network namespaces joined by a veth
    pair (10.231.0.1 and 10.231.0.2): they can reach each other only over
    that link, as two machines would."""
    why = _netns_unavailable()
    if why:
        pytest.skip(why)
    a, b = f"dnp-a{os.getpid()}", f"dnp-b{os.getpid()}"
    cmds = [["ip", "netns", "add", a], ["ip", "netns", "add", b],
            ["ip", "link", "add", "dnpva", "netns", a, "type", "veth",
             "peer", "name", "dnpvb", "netns", b],
            ["ip", "-n", a, "addr", "add", "10.231.0.1/24", "dev", "dnpva"],
            ["ip", "-n", b, "addr", "add", "10.231.0.2/24", "dev", "dnpvb"],
            ["ip", "-n", a, "link", "set", "dnpva", "up"],
            ["ip", "-n", b, "link", "set", "dnpvb", "up"],
            ["ip", "-n", a, "link", "set", "lo", "up"],
            ["ip", "-n", b, "link", "set", "lo", "up"]]
    try:
        for cmd in cmds:
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                pytest.skip(f"{' '.join(cmd)}: {r.stderr.strip()}")
        port = free_port()
        args = [*COMMON, "--optimizer", "sgd", "--lr", "0.05",
                "--batch-size", "16", "--dist-timeout", "30"]
        procs = []
        for rank, ns in enumerate((a, b)):
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", ns, str(TRAIN), *args, "-o",
                 str(tmp_path / f"hosts{rank}.mlir"), "--report",
                 str(tmp_path / f"hosts{rank}.json")],
                env=rank_env(rank, 2, port, addr="10.231.0.1"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        errs = [p.communicate(timeout=120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errs
        assert not (tmp_path / "hosts1.mlir").exists()  # rank 0 writes
        one = train([*args[:-4], "--batch-size", "32", "-o",
                     str(tmp_path / "one.mlir"), "--report",
                     str(tmp_path / "one.json")])
        assert one.returncode == 0, one.stderr
        assert groups(tmp_path / "one.json")[0] == \
            groups(tmp_path / "hosts0.json")[0]
        x, y = weights(tmp_path / "one.mlir"), weights(tmp_path /
                                                      "hosts0.mlir")
        assert np.abs(x - y).max() <= 1e-5 * np.abs(x).max()
    finally:
        for ns in (a, b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_torchrun_agent_store(tmp_path):
    """Under torchrun the agent hosts the store at MASTER_PORT and sets
    TORCHELASTIC_USE_AGENT_STORE=True; the ranks must join it as clients
    (under torch.distributed's "/worker/attempt_N" prefix) rather than try
    to host it. (Debian's torchrun 1.13 itself fails on Python 3.11 before
    starting workers, so the agent is played here by its TCPStore.)"""
    torch = pytest.importorskip("torch")
    from datetime import timedelta
    port = free_port()
    agent = torch.distributed.TCPStore("127.0.0.1", port, 3, True,
                                       timedelta(seconds=30),
                                       wait_for_workers=False)
    args = [*COMMON, "--batch-size", "16", "--dist-timeout", "20",
            "-o", str(tmp_path / "x.mlir")]
    procs = [subprocess.Popen(
        [str(TRAIN), *args], stderr=subprocess.PIPE, text=True,
        env=rank_env(rank, 2, port, TORCHELASTIC_USE_AGENT_STORE="True",
                     TORCHELASTIC_RESTART_COUNT="3"))
        for rank in range(2)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert (tmp_path / "x.mlir").is_file()
    # The ranks' own keys went under the prefix of that restart.
    # (rank 1's part of the first agreement: the model's description).
    assert b" ops, " in agent.get("/worker/attempt_3/dnp/gather/0/1")
