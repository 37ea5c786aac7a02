"""dnp's budgeted channel pruning inside your own PyTorch training loop.

    pruner = dnp.Pruner(model, example_input, "sram=16KiB,flash=64KiB")
    for x, y in loader:
        loss = F.cross_entropy(model(x), y) + pruner.resource_loss()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        pruner.step(optimizer)          # sizes, salience, physical pruning
        if pruner.done():               # every budget holds: fine-tune
            ...
    pruner.export("pruned.mlir")        # ready for dnp-compile

The method is dnp-train's (lib/Train/Session*.cpp), on the same C++: the
model is exported with `dnp.torch`, read by `dnp._native` (the reader
dnp-train uses: channel groups with their coupling, the MCU cost graph) and
every resource comes with its exact gradient from the compiler's cost model.

* Each prunable channel group g has a learnable size s_g (a keep fraction
  theta_g times its channel count), and each of its channels a rank by
  salience (Taylor: the running mean of |d loss / d gate|; or weight
  magnitude, or batch-norm scale). Channel c gets the soft mask
  sigmoid((s_g - rank_c - 0.5) / tau_g), tau_g = max(0.5, T * channels).
* The masks multiply the outputs of the modules that produce the group's
  channels (forward hooks on the convolutions, linear layers and batch
  norms dnp gates), so the model trains as the gated dnp model would.
* `resource_loss()` is the hinge dnp-train uses: lambda * (sum over the
  budgets of relu(usage / budget - target) + pull * relu(target - max
  ratio)), usage from the C++ cost model with its gradient.
* `step()` moves the sizes (Adam, dnp-train's defaults), updates the
  salience, and every `prune_every` steps removes, from the module's
  parameters, buffers and the optimizer's state, the channels well outside
  each group's size. When the sizes meet every budget they freeze: the
  masks are folded into the weights and the channels beyond the sizes are
  removed; from then on the model is a plain, smaller nn.Module.
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch import nn

from . import _native
from . import torch as dnp_torch

RESOURCES = ("sram", "flash", "macs", "cycles")


class PrunerError(ValueError):
    """The model or the options cannot be pruned; the message names the
    module, the group and the numbers."""


# dnp parameter name -> (torch attribute, {dnp axis: torch axis}) per
# module type. dnp's layouts: conv OHWI, depthwise [Kh, Kw, C], dense
# [Out, In], vectors [C]; PyTorch's: conv OIHW, linear [Out, In].
def _torch_axis(module: nn.Module, kind: str, name: str,
                axis: int) -> Tuple[str, int]:
    if isinstance(module, nn.Conv2d):
        attr = {"weight": "weight", "bias": "bias"}[name]
        if kind == "depthwise_conv2d" and name == "weight":
            return attr, {2: 0}[axis]
        if name == "weight":
            return attr, {0: 0, 3: 1}[axis]
        return attr, 0
    if isinstance(module, nn.Linear):
        return {"weight": "weight", "bias": "bias"}[name], axis
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return {"scale": "weight", "offset": "bias", "mean": "running_mean",
                "variance": "running_var"}[name], 0
    if isinstance(module, nn.PReLU):
        return "weight", 0
    raise PrunerError(f"module {type(module).__name__} holds dnp parameter "
                      f"'{name}', which the pruner cannot slice")


class Pruner:
    """Budgeted, MCU-aware channel pruning of `module` (see the module
    docstring). `budget`: "sram=16KiB,flash=64KiB,macs=1M,cycles=2M" or
    {"sram": bytes, ...}. `precision`: the deployed element type the
    resources are counted in ("int8" or "f32"). `halfword_weights`
    (int8 on cortex-m4/m7): conv and dense weights count two bytes each,
    as `dnp-compile --halfword-weights` stores them. `total_steps` (the steps
    you will train) lets the size learning rate be chosen as dnp-train
    chooses it; `size_lr` sets it."""

    def __init__(self, module: nn.Module, example_input,
                 budget: Union[str, Dict[str, float]], *,
                 precision: str = "int8", target: str = "",
                 halfword_weights: bool = False,
                 salience: str = "taylor", lam: float = 2.0,
                 target_ratio: float = 0.97, pull: float = 0.1,
                 pmu_temperature: float = 0.002,
                 mask_temperature: float = 0.05,
                 size_lr: Optional[float] = None,
                 total_steps: Optional[int] = None,
                 size_momentum: float = 0.5, salience_decay: float = 0.9,
                 prune_every: int = 50):
        if salience not in ("taylor", "magnitude", "bn"):
            raise PrunerError(f"salience must be taylor, magnitude or bn, "
                              f"got {salience!r}")
        self.module = module
        self.example_input = example_input
        self.precision = precision
        self.salience = salience
        self.lam, self.target_ratio, self.pull = lam, target_ratio, pull
        self.pmu_temperature = pmu_temperature
        self.mask_temperature = mask_temperature
        self.salience_decay = salience_decay
        self.prune_every = max(1, int(prune_every))
        self.steps = 0
        self.frozen = False

        was_training = module.training
        module.eval()
        try:
            # Unfused: the masks scale each module's own output, before the
            # activation module that follows it.
            imported = dnp_torch.convert(module, example_input, fuse=False)
        except ValueError as e:  # UnsupportedModelError and friends
            raise PrunerError(f"cannot prune {type(module).__name__}: dnp "
                              f"cannot export it: {e}") from None
        finally:
            module.train(was_training)
        self._imported = imported
        try:
            self.native = _native.Model(imported.mlir, precision)
            self.resources = self.native.resource_model(
                target, halfword_weights=halfword_weights)
        except ValueError as e:
            raise PrunerError(str(e)) from None
        self.budget = self._parse_budget(budget)
        self.groups = self.native.groups
        self.nodes = self.native.nodes
        self.layouts = self.native.layouts
        self.params = self.native.params
        self.original = [g["channels"] for g in self.groups]
        self.channels = list(self.original)
        self.prunable = [g["prunable"] for g in self.groups]
        self.alive = [list(range(c)) for c in self.original]
        self.taylor = [np.zeros(c) for c in self.original]
        self._map_modules(imported.sources)

        if size_lr is None:
            # dnp-train's choice: a 90% cut takes about a quarter of the
            # steps (0.02 when the number of steps is not known).
            size_lr = 0.02 if not total_steps else min(
                0.05, max(0.002, 0.9 / (0.25 * max(1, int(total_steps)))))
        self.size_lr = size_lr
        init = [self._max_size(g) / self.original[g] if self.prunable[g]
                else 1.0 for g in range(len(self.groups))]
        self.theta = torch.tensor(init, dtype=torch.float64,
                                  requires_grad=True)
        self.size_optimizer = torch.optim.Adam(
            [self.theta], lr=size_lr, betas=(size_momentum, 0.99))
        self._masks: Optional[List[Optional[torch.Tensor]]] = None
        #: When set, the forward uses these masks (e.g. hard_masks(counts))
        #: instead of the soft ones.
        self.override_masks: Optional[List[Optional[torch.Tensor]]] = None
        self._probes: List[Optional[torch.Tensor]] = []
        self._hooks = [m.register_forward_hook(self._make_hook(i))
                       for i, m in self._gate_modules.items()]
        self._pre_hook = module.register_forward_pre_hook(self._before_forward)
        self._check_feasible()

    # -- setup ---------------------------------------------------------------

    def _parse_budget(self, budget) -> Dict[str, float]:
        if isinstance(budget, str):
            try:
                parsed = self.native.budget(budget)
            except ValueError as e:
                raise PrunerError(str(e)) from None
        else:
            parsed = {}
            for k, v in dict(budget).items():
                if k not in RESOURCES:
                    raise PrunerError(f"unknown budget '{k}' (sram, flash, "
                                      "macs, cycles)")
                if not v > 0:
                    raise PrunerError(f"budget {k} must be positive, got {v}")
                parsed[k] = float(v)
        if not parsed:
            raise PrunerError("no budget: give e.g. 'sram=16KiB,flash=64KiB'")
        return parsed

    def _check_feasible(self):
        minimum = self.resources.exact([1 if p else c for p, c in
                                        zip(self.prunable, self.original)])
        over = [f"{r} {minimum[r]:.0f} > budget {lim:.0f}"
                for r, lim in self.budget.items() if minimum[r] > lim]
        if over:
            fixed = [f"group {g['id']} ({g['channels']} channels: "
                     f"{g['reason']})" for g in self.groups
                     if not g["prunable"]]
            raise PrunerError(
                "the budget cannot be met even with one channel in every "
                "prunable group: " + "; ".join(over) + ". Fixed groups: " +
                ", ".join(fixed))

    def _map_modules(self, sources: Dict[str, str]):
        """Gated dnp nodes -> the modules that own their parameters, and
        which of them carry a mask (dnp-train's rule: a linear op whose only
        consumer is a gated batch norm is not masked itself)."""
        uses = [0] * (len(self.nodes) + 1)
        for n in self.nodes:
            for v in n["inputs"]:
                uses[v] += 1
        uses[self.native.output] += 1
        self._node_module: Dict[int, nn.Module] = {}
        self._node_module_name: Dict[int, str] = {}
        for i, n in enumerate(self.nodes):
            if not n["params"]:
                continue
            resource = self.params[n["params"][0]]["resource"]
            name = sources.get(resource)
            if name is None:
                if n["gated"]:
                    raise PrunerError(
                        f"dnp node {n['name']} ({n['kind']}) has parameters "
                        "that belong to no module (a functional call?); the "
                        "pruner can only slice nn.Module parameters")
                continue
            self._node_module[i] = self.module.get_submodule(name)
            self._node_module_name[i] = name
        self._gate_modules: Dict[int, nn.Module] = {}
        for i, n in enumerate(self.nodes):
            if not n["gated"]:
                continue
            linear = n["kind"] in ("conv2d", "depthwise_conv2d", "dense")
            if linear and n["act"] == "none" and uses[i + 1] == 1 and any(
                    m["kind"] == "batch_norm" and m["gated"] and
                    m["inputs"][0] == i + 1 for m in self.nodes):
                continue
            if n["act"] != "none":
                raise PrunerError(
                    f"dnp node {n['name']} fuses its activation; export "
                    "with dnp.torch unfused (the pruner masks the module's "
                    "output before the activation)")
            self._gate_modules[i] = self._node_module[i]

    # -- sizes and masks -------------------------------------------------------

    def _tau(self, g: int) -> float:
        return max(0.5, self.mask_temperature * self.original[g])

    def _max_size(self, g: int) -> float:
        return self.channels[g] + 4 * self._tau(g)

    def sizes(self) -> torch.Tensor:
        """The learnable size of every group (fixed groups: their channel
        count), differentiable w.r.t. theta."""
        orig = torch.tensor(self.original, dtype=torch.float64)
        prun = torch.tensor([1.0 if p else 0.0 for p in self.prunable],
                            dtype=torch.float64)
        fixed = torch.tensor(self.channels, dtype=torch.float64)
        return self.theta * orig * prun + fixed * (1 - prun)

    def _salience(self, g: int) -> np.ndarray:
        if self.salience == "taylor":
            return self.taylor[g]
        if self.salience == "bn":
            values = self._weight_salience(g, batch_norms=True)
            if values is not None:
                return values
        # Groups without a batch norm fall back to weight magnitude.
        values = self._weight_salience(g, batch_norms=False)
        return values if values is not None else np.zeros(self.channels[g])

    def _weight_salience(self, g: int,
                         batch_norms: bool) -> Optional[np.ndarray]:
        """Per channel of group g: the sum over the gated batch norms
        (|scale|) or the other gated ops (mean |w| of the channel's weight
        slice) that produce it; None when no such op produces it."""
        values, found = np.zeros(self.channels[g]), False
        for i, n in enumerate(self.nodes):
            if (not n["gated"] or i not in self._node_module or
                    (n["kind"] == "batch_norm") != batch_norms):
                continue
            w = self._node_module[i].weight.detach().abs().to(torch.float64)
            per = w.reshape(w.shape[0], -1).mean(1).numpy()
            offset = 0
            for grp, _ in self.layouts[i + 1]["segments"]:
                if grp == g:
                    values += per[offset:offset + self.channels[grp]]
                    found = True
                offset += self.channels[grp]
        return values if found else None

    def _rank(self, g: int) -> np.ndarray:
        s = self._salience(g)
        order = sorted(range(self.channels[g]), key=lambda c: -s[c])
        rank = np.empty(self.channels[g], dtype=np.int64)
        rank[order] = np.arange(self.channels[g])
        return rank

    def soft_masks(self, sizes: Optional[torch.Tensor] = None
                   ) -> List[Optional[torch.Tensor]]:
        sizes = self.sizes() if sizes is None else sizes
        masks: List[Optional[torch.Tensor]] = []
        for g in range(len(self.groups)):
            if not self.prunable[g] or self.frozen:
                masks.append(None)
                continue
            rank = torch.tensor(self._rank(g), dtype=torch.float64)
            masks.append(torch.sigmoid(
                (sizes[g] - rank - 0.5) / self._tau(g)).to(torch.float32))
        return masks

    def hard_masks(self, counts: Sequence[int]) -> List[Optional[torch.Tensor]]:
        """0/1 masks keeping the `counts[g]` most salient channels of every
        prunable group: what prune_to_counts(counts) removes physically."""
        masks: List[Optional[torch.Tensor]] = []
        for g in range(len(self.groups)):
            if not self.prunable[g]:
                masks.append(None)
                continue
            rank = torch.tensor(self._rank(g))
            masks.append((rank < int(counts[g])).to(torch.float32))
        return masks

    def _before_forward(self, module, args):
        if self.override_masks is not None:
            self._masks = self.override_masks
            self._probes = [None] * len(self.groups)
            return
        if self.frozen:
            self._masks = None
            return
        self._masks = self.soft_masks()
        self._probes = [None] * len(self.groups)

    def _make_hook(self, node: int):
        segments = self.layouts[node + 1]["segments"]

        def hook(module, args, output):
            if self._masks is None or not any(
                    self._masks[g] is not None for g, _ in segments):
                return output
            batch = output.shape[0]
            parts = []
            per_sample = self.module.training and self.salience == "taylor"
            for g, _ in segments:
                m = self._masks[g]
                if m is None:
                    m = torch.ones(self.channels[g])
                if per_sample and self._masks[g] is not None:
                    if self._probes[g] is None:
                        self._probes[g] = torch.ones(
                            batch, self.channels[g], requires_grad=True)
                    m = m.unsqueeze(0) * self._probes[g]
                elif per_sample:
                    m = m.unsqueeze(0).expand(batch, -1)
                parts.append(m)
            gate = torch.cat(parts, dim=-1)
            if not per_sample:
                gate = gate.unsqueeze(0)
            gate = gate.to(output.dtype)
            if output.dim() == 4:
                gate = gate.unsqueeze(-1).unsqueeze(-1)
            return output * gate

        return hook

    # -- the resource loss -----------------------------------------------------

    def _usage(self, sizes: torch.Tensor) -> torch.Tensor:
        return _Usage.apply(sizes, self, tuple(self.budget))

    def resource_loss(self) -> torch.Tensor:
        """The differentiable hinge over the budgets (0 once frozen)."""
        if self.frozen:
            return torch.zeros((), dtype=torch.float64)
        usage = self._usage(self.sizes())
        limits = torch.tensor(list(self.budget.values()), dtype=torch.float64)
        ratio = usage / limits
        over = torch.relu(ratio - self.target_ratio).sum()
        under = torch.relu(self.target_ratio - ratio.max())
        return self.lam * (over + self.pull * under)

    # -- the step --------------------------------------------------------------

    def step(self, optimizer: Optional[torch.optim.Optimizer] = None) -> bool:
        """After the user's optimizer step: moves the sizes, updates the
        salience, freezes when every budget holds, and every
        `prune_every` steps removes channels well outside the sizes (from
        `optimizer`'s state too). Returns True when channels were removed."""
        if self.frozen:
            return False
        self.steps += 1
        if self.theta.grad is not None:
            prun = torch.tensor([1.0 if p else 0.0 for p in self.prunable],
                                dtype=torch.float64)
            self.theta.grad.mul_(prun)
            self.size_optimizer.step()
        self.size_optimizer.zero_grad()
        self._clamp_sizes()
        if self.salience == "taylor":
            d = self.salience_decay
            for g, probe in enumerate(self._probes):
                if probe is None or probe.grad is None:
                    continue
                s = probe.grad.abs().mean(0).to(torch.float64).numpy()
                self.taylor[g] = d * self.taylor[g] + (1 - d) * s
        self._probes = [None] * len(self.groups)
        counts = self.target_channels()
        if self._meets(self.resources.exact(counts)):
            self._freeze(self._fill_to_budget(counts), optimizer)
            return True
        if self.steps % self.prune_every == 0:
            return self._prune_to_sizes(optimizer)
        return False

    def _clamp_sizes(self):
        with torch.no_grad():
            for g in range(len(self.groups)):
                if self.prunable[g]:
                    c = float(self.original[g])
                    lo, hi = 1.0 / c, self._max_size(g) / c
                    self.theta[g] = min(max(float(self.theta[g]), lo), hi)

    def target_channels(self) -> List[int]:
        s = self.sizes().detach().numpy()
        return [min(self.channels[g], max(1, int(math.floor(s[g] + 0.5))))
                if self.prunable[g] else self.channels[g]
                for g in range(len(self.groups))]

    def _meets(self, usage) -> bool:
        return all(usage[r] <= lim for r, lim in self.budget.items())

    def usage(self) -> Dict[str, float]:
        """Exact resources at the current channel counts."""
        return self.resources.exact(self.channels)

    def done(self) -> bool:
        """Every budget holds at the current channel counts."""
        return self._meets(self.usage())

    def progress(self) -> str:
        u = self.usage()
        parts = [f"{r} {u[r]:,.0f}/{lim:,.0f}" for r, lim in
                 self.budget.items()]
        state = "frozen" if self.frozen else "learning sizes"
        return f"step {self.steps}: " + ", ".join(parts) + f" ({state})"

    # -- physical pruning ----------------------------------------------------

    def _prune_to_sizes(self, optimizer) -> bool:
        s = self.sizes().detach().numpy()
        counts = [int(math.floor(s[g] + 2 * self._tau(g) + 0.5))
                  if self.prunable[g] else self.channels[g]
                  for g in range(len(self.groups))]
        return self.prune_to_counts(counts, optimizer)

    def _fill_to_budget(self, counts: List[int]) -> List[int]:
        """dnp-train's fillToBudget: gives back, one channel at a time, the
        budget that rounding and the size optimiser left unused: each time
        to the group whose next most salient channel has the largest
        salience (over the group's mean) per unit of budget it costs,
        while every budget holds."""
        counts = list(counts)
        usage = self.resources.exact(counts)
        sal = []
        for g in range(len(self.groups)):
            v = np.sort(self._salience(g))[::-1]
            mean = v.mean() if len(v) else 0.0
            sal.append(v / mean if mean > 0 else np.zeros_like(v))
        while True:
            best, best_score, best_usage = -1, 0.0, None
            for g in range(len(self.groups)):
                if not self.prunable[g] or counts[g] >= self.channels[g]:
                    continue
                trial = list(counts)
                trial[g] += 1
                t = self.resources.exact(trial)
                if not self._meets(t):
                    continue
                cost = sum(max(0.0, t[r] - usage[r]) / lim
                           for r, lim in self.budget.items())
                score = (sal[g][counts[g]] + 1e-3) / (cost + 1e-6)
                if best < 0 or score > best_score:
                    best, best_score, best_usage = g, score, t
            if best < 0:
                return counts
            counts[best] += 1
            usage = best_usage

    def _freeze(self, counts, optimizer):
        # The masks of the last step, folded into the weights, keep the
        # function; then every group keeps its `counts` best channels.
        masks = self.soft_masks()
        self._fold_masks(masks)
        self.frozen = True
        self._masks = None
        self.prune_to_counts(counts, optimizer)

    @torch.no_grad()
    def _fold_masks(self, masks):
        for i, module in self._gate_modules.items():
            segments = self.layouts[i + 1]["segments"]
            if not any(masks[g] is not None for g, _ in segments):
                continue
            gate = torch.cat([masks[g] if masks[g] is not None else
                              torch.ones(self.channels[g])
                              for g, _ in segments])
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.weight.mul_(gate)
                module.bias.mul_(gate)
            else:
                w = module.weight
                shape = [-1] + [1] * (w.dim() - 1)
                w.mul_(gate.view(shape))
                if module.bias is not None:
                    module.bias.mul_(gate)

    def prune_to_counts(self, counts: Sequence[int],
                        optimizer: Optional[torch.optim.Optimizer] = None
                        ) -> bool:
        """Keeps the `counts[g]` most salient channels of every prunable
        group; slices the modules' parameters, buffers and `optimizer`'s
        state. Returns whether anything was removed."""
        keep = []
        changed = False
        for g in range(len(self.groups)):
            n = self.channels[g]
            k = min(n, max(1, int(counts[g]))) if self.prunable[g] else n
            if k == n:
                keep.append(list(range(n)))
                continue
            rank = self._rank(g)
            keep.append([c for c in range(n) if rank[c] < k])
            changed = True
        if changed:
            self._slice(keep, optimizer)
        return changed

    def _kept_indices(self, value: int, keep) -> List[int]:
        """Indices along a torch axis indexed by value `value`'s channels
        (a flattened NCHW map: feature c * spatial + p)."""
        layout = self.layouts[value]
        spatial = layout["spatial"]
        channel_index, offset = [], 0
        for g, _ in layout["segments"]:
            channel_index += [offset + c for c in keep[g]]
            offset += self.channels[g]
        if spatial == 1:
            return channel_index
        return [c * spatial + p for c in channel_index for p in range(spatial)]

    @torch.no_grad()
    def _slice(self, keep, optimizer):
        for i, module in self._node_module.items():
            n = self.nodes[i]
            for p in n["params"]:
                param = self.params[p]
                dnp_name = param["name"].split(".", 1)[1]
                for axis, value, _fan_in in param["axes"]:
                    attr, taxis = _torch_axis(module, n["kind"], dnp_name,
                                              axis)
                    tensor = getattr(module, attr)
                    if tensor is None:
                        continue
                    if isinstance(module, nn.PReLU) and tensor.numel() == 1:
                        continue  # one shared slope
                    idx = torch.tensor(self._kept_indices(value, keep))
                    if tensor.shape[taxis] == len(idx):
                        continue  # already sliced (a module used twice)
                    sliced = tensor.index_select(taxis, idx).clone()
                    if isinstance(tensor, nn.Parameter):
                        # A new Parameter, not `.data =`: autograd caches
                        # each parameter's shape in its gradient accumulator.
                        fresh = nn.Parameter(sliced,
                                             requires_grad=tensor.requires_grad)
                        setattr(module, attr, fresh)
                        if optimizer is not None:
                            _replace_in_optimizer(optimizer, tensor, fresh,
                                                  taxis, idx)
                    else:
                        setattr(module, attr, sliced)
            self._update_module_sizes(module, n)
        for g in range(len(self.groups)):
            if len(keep[g]) != self.channels[g]:
                self.alive[g] = [self.alive[g][c] for c in keep[g]]
                self.taylor[g] = self.taylor[g][keep[g]]
                self.channels[g] = len(keep[g])
        # The sizes keep their meaning (channels); the cost model's order
        # is re-chosen for the smaller model, as dnp-train does.
        self.resources.reorder(self.channels)

    @staticmethod
    def _update_module_sizes(module: nn.Module, node) -> None:
        if isinstance(module, nn.Conv2d):
            module.out_channels = module.weight.shape[0]
            if node["kind"] == "depthwise_conv2d":
                module.in_channels = module.groups = module.out_channels
            else:
                module.in_channels = module.weight.shape[1] * module.groups
        elif isinstance(module, nn.Linear):
            module.out_features, module.in_features = module.weight.shape
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.num_features = module.running_mean.shape[0]
        elif isinstance(module, nn.PReLU):
            module.num_parameters = module.weight.numel()

    # -- export ----------------------------------------------------------------

    def remove(self) -> None:
        """Removes the pruner's hooks (the model keeps its pruned shape)."""
        for h in self._hooks:
            h.remove()
        self._pre_hook.remove()
        self._hooks = []

    def export(self, path: Optional[str] = None, **kwargs) -> str:
        """The module as it is now (pruned, masks folded once the sizes
        froze) as dnp IR for dnp-compile, written to `path` when given.
        Before `done()` the soft masks are still part of the function and
        not of the module's weights: export then raises."""
        if not self.frozen:
            raise PrunerError(
                "export before the budgets are met: the soft masks of "
                f"step {self.steps} are not in the module's weights yet "
                f"({self.progress()})")
        was_training = self.module.training
        self.module.eval()
        try:
            text = dnp_torch.export(self.module, self.example_input, **kwargs)
        finally:
            self.module.train(was_training)
        if path:
            with open(path, "w") as f:
                f.write(text)
        return text

    def to_onnx(self, path: str, **kwargs) -> None:
        """The pruned module as ONNX (torch.onnx.export)."""
        was_training = self.module.training
        self.module.eval()
        try:
            torch.onnx.export(self.module, self.example_input, path, **kwargs)
        finally:
            self.module.train(was_training)


def _replace_in_optimizer(optimizer: torch.optim.Optimizer,
                          old: nn.Parameter, new: nn.Parameter, axis: int,
                          index: torch.Tensor) -> None:
    """`new` (the slice `index` of `old` along `axis`) takes `old`'s place in
    the optimizer's parameter groups and state; state tensors of the
    parameter's shape (Adam's moments, SGD's momentum) are sliced alike."""
    for group in optimizer.param_groups:
        group["params"] = [new if p is old else p for p in group["params"]]
    state = optimizer.state.pop(old, None)
    if state is None:
        return
    for key, value in list(state.items()):
        if not torch.is_tensor(value) or value.dim() == 0:
            continue  # step counters and the like
        if value.shape != old.shape:
            raise PrunerError(
                f"the optimizer's state '{key}' of a parameter of shape "
                f"{tuple(old.shape)} has shape {tuple(value.shape)}; the "
                "pruner can only slice per-parameter state shaped like its "
                "parameter (Adam, SGD, RMSprop, ...)")
        state[key] = value.index_select(axis, index).clone()
    optimizer.state[new] = state


class _Usage(torch.autograd.Function):
    """usage[i] = resource_i(sizes) from the C++ cost model; backward uses
    its exact Jacobian."""

    @staticmethod
    def forward(ctx, sizes, pruner, resources):
        x = sizes.detach().to(torch.float64).tolist()
        temperature = pruner.pmu_temperature * pruner.budget.get("sram", 0.0)
        values, rows = [], []
        for r in resources:
            v, g = pruner.resources.evaluate(
                r, x, temperature if r == "sram" else 0.0)
            values.append(v)
            rows.append(g)
        ctx.save_for_backward(torch.tensor(rows, dtype=torch.float64))
        return torch.tensor(values, dtype=torch.float64)

    @staticmethod
    def backward(ctx, grad):
        (jacobian,) = ctx.saved_tensors
        return grad.to(torch.float64) @ jacobian, None, None
