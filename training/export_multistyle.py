"""Export the multi-style (CIN) net as one "blend" ONNX model with a `style_weights` input.

    nice -n 10 /usr/bin/python3 training/export_multistyle.py --ckpt training/runs/main/ckpt.pt --meta training/styles.json

The blend model keeps only the styles the manifest ships (in the manifest's order), so the app
can mix any of them: inputs `input` [1,3,H,W] and `style_weights` [1,S], output `output`.
Each conditional instance norm becomes one InstanceNormalization whose scale and bias are
computed in the graph as style_weights @ gamma and style_weights @ beta (MatMul + Reshape to
[C]); batch is fixed at 1, so the mixed affine is a plain per-channel vector. That adds two
tiny MatMuls per norm layer and no full-resolution op over the baked single-style files.

Checks with onnxruntime-node (the script fails if any is off): one-hot weights reproduce every
shipped single-style file; mixes match the torch net; the op list is exactly what is expected.
An fp16 variant ships only if it stays within the per-style rule (0.02) for every style.

    nice -n 10 /usr/bin/python3 training/export_multistyle.py --ckpt training/runs/long/trunk-mixed512/ckpt.pt \
        --base-out models/style/trunk.rt.fp32.onnx

--base-out writes a frozen trunk for "add a style" (train.py --mode norm --base FILE) instead: every
style of the checkpoint, the same graph, no manifest entry (the app never runs it), checked only
against the torch net (its rows are not shipped files).
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import EVAL_PHOTOS, load_image  # noqa: E402
from export_onnx import (FP16_TOLERANCE, IO, LICENCE, TIER_SUFFIX, _pad_symbolic, eval_losses,  # noqa: E402
                         fp16_emulated, run_ort, to_fp16)
from onnx_files import file_info, op_list  # noqa: E402
from losses import PerceptualLoss  # noqa: E402
from train import load_checkpoint  # noqa: E402
from transform_net import CondInstanceNorm, macs_per_px  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BLEND_ID = "blend"
BLEND_TASK = "style-blend"
WEIGHTS_INPUT = "style_weights"
ALLOWED_OPS = {"Conv", "InstanceNormalization", "MatMul", "Reshape", "Relu", "Add", "Resize", "Pad", "Sigmoid",
               "Constant"}
ALLOWED_OPS_FP16 = ALLOWED_OPS | {"Cast"}
ONE_HOT_TOLERANCE = 1e-4  # vs the shipped single-style file: the same math, so only float reordering
TORCH_TOLERANCE = 1e-3    # the per-style export's ONNX-vs-torch bound


class _MixedNorm(nn.Module):
    """Instance norm with the affine mixed from the kept styles' (gamma, beta) rows."""

    def __init__(self, cin, keep):
        super().__init__()
        self.gamma = nn.Parameter(cin.gamma.detach()[keep].clone())
        self.beta = nn.Parameter(cin.beta.detach()[keep].clone())

    def forward(self, x, w):  # w: [1, S]; batch 1 makes the mix a [C] vector, InstanceNormalization's own scale/bias
        return F.instance_norm(x, weight=(w @ self.gamma).reshape(-1), bias=(w @ self.beta).reshape(-1), eps=1e-5)


class BlendNet(nn.Module):
    """The CIN net restricted to the styles at `keep` (indices into the checkpoint's styles)."""

    def __init__(self, net, keep):
        super().__init__()
        self.net = copy.deepcopy(net).eval()
        for m in list(self.net.modules()):
            for name, child in m.named_children():
                if isinstance(child, CondInstanceNorm):
                    setattr(m, name, _MixedNorm(child, keep))

    def forward(self, input, style_weights):
        return self.net(input, style_weights)


def export_blend(blend, n_styles, path):
    torch.onnx.register_custom_op_symbolic("aten::pad", _pad_symbolic, 17)
    dummy = (torch.rand(1, 3, 64, 64), torch.full((1, n_styles), 1 / n_styles))
    torch.onnx.export(blend, dummy, path, opset_version=17, input_names=["input", WEIGHTS_INPUT], output_names=["output"],
                      dynamic_axes={"input": {2: "H", 3: "W"}, "output": {2: "H", 3: "W"}}, do_constant_folding=True)
    m = onnx.load(path)
    m.graph.output[0].type.tensor_type.shape.dim[0].dim_value = 1  # batch is fixed at 1, not symbolic
    onnx.save(m, path)


def run_ort_blend(model, images, weights):
    """onnxruntime-node outputs of the blend model for each (image, weights) pair (images all one size)."""
    h, w = images[0].shape[2:]
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, (x, wt) in enumerate(zip(images, weights)):
            x.numpy().astype(np.float32).tofile(os.path.join(tmp, f"{i}.in"))
            wt.numpy().astype(np.float32).tofile(os.path.join(tmp, f"{i}.w"))
            args += [os.path.join(tmp, f"{i}.in"), os.path.join(tmp, f"{i}.w"), os.path.join(tmp, f"{i}.out")]
        subprocess.run(["node", os.path.join(HERE, "ort_run_blend.mjs"), str(torch.get_num_threads()), model, str(h), str(w),
                        str(weights[0].shape[1]), *args], check=True, cwd=ROOT)
        return [torch.from_numpy(np.fromfile(os.path.join(tmp, f"{i}.out"), np.float32).reshape(x.shape))
                for i, x in enumerate(images)]


def max_diff(a, b):
    return max((x - y).abs().max().item() for x, y in zip(a, b))


def diff_vs_torch(net, model, photos, mixes, to_net=lambda w: w):
    """Worst max abs difference between the blend ONNX `model` (ORT) and the torch net over `mixes`;
    `to_net` maps a mix of the model's styles to the checkpoint's style order."""
    worst = 0.0
    for w in mixes:
        with torch.no_grad():
            ref = [net(x, to_net(w)) for x in photos]
        worst = max(worst, max_diff(ref, run_ort_blend(model, photos, [w] * len(photos))))
    return worst


def shipped_styles(manifest, meta, basenames):
    """(gallery id, checkpoint index, fp32 file) of each shipped style whose painting this checkpoint
    learnt, in manifest order. The gallery ids are the realtime entries' (the styles the user picks);
    a quality-tier blend model serves the same ids at higher cost."""
    files = {m["id"]: m["file"] for m in meta}
    out = []
    for m in manifest["models"]:
        if m.get("task") != "style" or m["style"]["tier"] != "realtime" or files.get(m["id"]) not in basenames:
            continue
        fp32 = next(v["file"] for v in m["variants"] if v["name"] == "fp32")
        out.append((m["id"], basenames.index(files[m["id"]]), fp32))
    return out


def write_entry(models_dir, entry):
    """Load-modify-write of the shared manifest: replace the entry with this id, or append it."""
    path = os.path.join(models_dir, "manifest.json")
    manifest = json.load(open(path))
    ids = [m["id"] for m in manifest["models"]]
    if entry["id"] in ids:
        manifest["models"][ids.index(entry["id"])] = entry
    else:
        manifest["models"].append(entry)
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def export_base(net, args, state, path):
    """The checkpoint's whole CIN net as a blend-style graph, for `train.py --mode norm --base path`."""
    n = net.config["n_styles"]
    assert n >= 2, "a trunk needs at least two styles"
    export_blend(BlendNet(net, list(range(n))), n, path)
    ops = op_list(path)
    assert set(ops) <= ALLOWED_OPS, f"unexpected ops {sorted(set(ops) - ALLOWED_OPS)}"
    photos = [load_image(pth, multiple=4) for pth in EVAL_PHOTOS]
    eye = torch.eye(n)
    mixes = [eye[k:k + 1] for k in range(n)] + [torch.full((1, n), 1 / n)]
    diff = diff_vs_torch(net, path, photos, mixes)
    assert diff < TORCH_TOLERANCE, f"trunk ONNX differs from torch by {diff}"
    styles = [os.path.basename(s) for s in args["styles"]]
    print(f"wrote {path}: {n} styles {styles}, step {state['step']}, {os.path.getsize(path) / 1e6:.2f} MB; "
          f"vs torch max abs diff {diff:.1e} over {len(mixes)} weightings ({n} one-hot)", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True)
    p.add_argument("--meta", help="training/styles.json: maps manifest ids to painting files (not with --base-out)")
    p.add_argument("--base-out", help="write every style of the checkpoint to this file as the trunk of "
                                      "'add a style' (no manifest entry, no fp16)")
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--threads", type=int, default=1, help="1 leaves a core to a training run in the background")
    a = p.parse_args(argv)

    torch.set_num_threads(a.threads)
    net, args, state = load_checkpoint(a.ckpt)
    if a.base_out:
        return export_base(net, args, state, a.base_out)
    if not a.meta:
        p.error("--meta is required (or --base-out)")
    tier, n_all = args["tier"], net.config["n_styles"]
    manifest = json.load(open(os.path.join(a.models_dir, "manifest.json")))
    basenames = [os.path.basename(s) for s in args["styles"]]
    styles = shipped_styles(manifest, json.load(open(a.meta)), basenames)
    ids, keep = [s[0] for s in styles], [s[1] for s in styles]
    n = len(styles)
    assert n >= 2, f"need at least two shipped styles of tier {tier} from this checkpoint, found {ids}"
    print(f"blending {n} of {n_all} styles: {ids}", flush=True)

    blend = BlendNet(net, keep)
    model_id = BLEND_ID if tier == "realtime" else f"{BLEND_ID}-{TIER_SUFFIX[tier]}"
    stem = os.path.join(a.models_dir, "style", f"{BLEND_ID}.{TIER_SUFFIX[tier]}")
    fp32_path, fp16_path = stem + ".fp32.onnx", stem + ".fp16.onnx"
    export_blend(blend, n, fp32_path)
    ops = op_list(fp32_path)
    assert set(ops) <= ALLOWED_OPS, f"unexpected ops {sorted(set(ops) - ALLOWED_OPS)}"

    photos = [load_image(pth, multiple=4) for pth in EVAL_PHOTOS]
    eye = torch.eye(n)

    # 1. One-hot weights reproduce each shipped single-style file (same photos, both through ORT).
    #    A quality-tier model has no single-style files (one 1.7 M-parameter file serves every style),
    #    so its one-hot outputs are checked against the torch net instead, in step 2.
    one_hot_diff = {}
    for k, (sid, _, single_file) in enumerate(styles if tier == "realtime" else []):
        single = run_ort(os.path.join(a.models_dir, single_file), photos)
        mixed = run_ort_blend(fp32_path, photos, [eye[k:k + 1]] * len(photos))
        one_hot_diff[sid] = max_diff(single, mixed)
        print(f"one-hot {sid}: max abs diff vs {single_file} {one_hot_diff[sid]:.2e}", flush=True)
    worst_one_hot = max(one_hot_diff.values(), default=0.0)
    assert worst_one_hot < ONE_HOT_TOLERANCE, f"one-hot blend differs from the single-style files by {worst_one_hot}"

    # 2. Mixes (50/50 neighbours, a 30/70 pair, all styles evenly) match the torch CIN net.
    mixes = [0.5 * (eye[k] + eye[(k + 1) % n])[None] for k in range(n)]
    mixes += [(0.7 * eye[0] + 0.3 * eye[2])[None], torch.full((1, n), 1 / n)]
    if tier != "realtime":
        mixes += [eye[k:k + 1] for k in range(n)]
    full = lambda w: torch.zeros(1, n_all).index_copy(1, torch.tensor(keep), w)  # noqa: E731 (back to the checkpoint's style order)
    torch_diff = diff_vs_torch(net, fp32_path, photos, mixes, full)
    print(f"mixes vs torch: max abs diff {torch_diff:.2e} over {len(mixes)} mixes", flush=True)
    assert torch_diff < TORCH_TOLERANCE, f"blend ONNX differs from torch by {torch_diff}"

    # 3. fp16, by the per-style rule: the worse of ORT on the file and the torch fp16 emulation, per one-hot style.
    to_fp16(fp32_path, fp16_path)
    assert set(op_list(fp16_path)) <= ALLOWED_OPS_FP16, f"unexpected fp16 ops {op_list(fp16_path)}"
    fp16_diff = {}
    for k, (sid, idx, _) in enumerate(styles):
        w = [eye[k:k + 1]] * len(photos)
        ort_diff = max_diff(run_ort_blend(fp32_path, photos, w), run_ort_blend(fp16_path, photos, w))
        baked = net.bake(torch.eye(n_all)[idx])
        with torch.no_grad():
            ref = [baked(x) for x in photos]
        fp16_diff[sid] = max(ort_diff, max_diff(ref, fp16_emulated(baked, photos)))
        print(f"fp16 {sid}: {fp16_diff[sid]:.4f}", flush=True)
    worst_fp16 = max(fp16_diff.values())
    ship_fp16 = worst_fp16 <= FP16_TOLERANCE
    if not ship_fp16:
        os.remove(fp16_path)
    print(f"fp16: worst style {worst_fp16:.4f} -> {'shipped' if ship_fp16 else 'not shipped (over 0.02)'}", flush=True)

    # 4. Per-style content/style loss on the evaluation photos (the per-style export's measure), so
    #    the tiers can be compared style by style.
    losses = {}
    if tier != "realtime":
        loss = PerceptualLoss.from_args(args)
        photos_256 = [load_image(pth, 256, 4) for pth in EVAL_PHOTOS]
        for sid, idx, _ in styles:
            c, s_ = eval_losses(loss, net, idx, n_all, args, photos_256)
            losses[sid] = {"content": c, "style": s_}
            print(f"eval {sid}: content {c} style {s_}", flush=True)

    variants = [dict(name="fp32", **file_info(fp32_path, a.models_dir))]
    if ship_fp16:
        variants.append(dict(name="fp16", **file_info(fp16_path, a.models_dir), maxAbsDiffVsFp32=round(worst_fp16, 5)))
    cfg = net.config
    entry = {
        "id": model_id, "task": BLEND_TASK, "embedded": True, "licence": LICENCE,
        "title": "Blend of two styles" if tier == "realtime" else "All styles, quality tier",
        "source": ("trained by training/ (this repo): the multi-style network the built-in styles are baked from"
                   if tier == "realtime" else
                   "trained by training/ (this repo): the quality-tier multi-style network (one file for every style)"),
        "blend": {"styles": ids, "weightsInput": WEIGHTS_INPUT, "tier": tier},
        "io": {
            "inputs": IO["inputs"] + [{"name": WEIGHTS_INPUT, "dtype": "float32", "shape": [1, n], "range": [0, 1]}],
            "outputs": IO["outputs"],
            "multipleOf": IO["multipleOf"],
        },
        "variants": variants,
        "preferred": {"webgpu": "fp16" if ship_fp16 else "fp32", "wasm": "fp32"},
        "recipe": {
            "network": (f"{'the shipped styles' if tier == 'realtime' else 'a'} conditional-instance-norm network (Dumoulin et al. 2017), widths "
                        f"{cfg['c']}/{2 * cfg['c']}/{4 * cfg['c']}, {cfg['blocks']} residual blocks; "
                        f"{macs_per_px(cfg['c'], cfg['k'], cfg['blocks'])} MACs/px"),
            "tier": tier,
            "styleWeights": (f"{WEIGHTS_INPUT}[0][i] weighs blend.styles[i]; rows summing to 1 interpolate every norm "
                             "layer's (gamma, beta); a one-hot row is that style's own model"),
            "steps": state["step"],
            "trainingSeconds": round(state["seconds"]),
            **({"perStyleLoss": dict(losses, measuredOn="starry/kandinsky/sketch_in.png at 256 px, training loss definition")}
               if losses else {}),
            "excludedFromCheckpoint": [os.path.basename(args["styles"][i]) for i in range(n_all) if i not in keep],
            "checks": {
                **({"oneHotVsSingleFiles": f"max abs diff {worst_one_hot:.1e} (onnxruntime-node, evaluation photos)"}
                   if tier == "realtime" else {}),
                "mixesVsTorch": f"max abs diff {torch_diff:.1e} over {len(mixes)} mixes"
                                + ("" if tier == "realtime" else f" ({n} of them one-hot)"),
                "fp16": f"worst one-hot style {worst_fp16:.4f} (rule: <= {FP16_TOLERANCE}); "
                        + ("shipped" if ship_fp16 else "not shipped"),
            },
            "onnxOps": ops,
        },
    }
    write_entry(a.models_dir, entry)
    print(f"wrote {model_id} ({n} styles) to {os.path.join(a.models_dir, 'manifest.json')}")


if __name__ == "__main__":
    main()
