"""Export each style of a trained (CIN) checkpoint as its own ONNX model and (re)write models/manifest.json.

    /usr/bin/python3 training/export_onnx.py --ckpt training/runs/main/ckpt.pt --meta training/styles.json

Per style: the CIN net is baked to plain InstanceNormalization with that style's (gamma, beta),
exported fp32 (opset 17, dynamic H/W), then converted to fp16 by rewriting the ONNX graph (conv
weights fp16, float32 graph input/output through Cast nodes, InstanceNormalization kept in fp32
because its variance sum can exceed fp16 range). Both files are run with onnxruntime-node on the
evaluation photos and compared with torch; the fp16 max abs diff goes into the manifest.
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
from torch import nn
from onnx import TensorProto, helper, numpy_helper
from PIL import Image
from torch.onnx import symbolic_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import eval_photos, load_image  # noqa: E402
from losses import PerceptualLoss  # noqa: E402
from onnx_files import file_info, op_list  # noqa: E402
from train import STYLE_SHORT_SIDE, load_checkpoint  # noqa: E402
from transform_net import Residual, macs_per_px  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIER_SUFFIX = {"realtime": "rt", "quality": "hq"}
ALLOWED_OPS = {"Conv", "InstanceNormalization", "Relu", "Add", "Resize", "Pad", "Sigmoid", "Mul", "Cast",
               "Constant"}
FP16_TOLERANCE = 0.02  # max abs diff (output in [0,1]) above which webgpu prefers fp32
LICENCE = "MIT (weights, ClipMorph Web); painting: public domain"
IO = {
    "inputs": [{"name": "input", "dtype": "float32", "layout": "NCHW", "shape": [1, 3, "H", "W"], "range": [0, 1]}],
    "outputs": [{"name": "output", "dtype": "float32", "layout": "NCHW", "shape": [1, 3, "H", "W"], "range": [0, 1]}],
    "multipleOf": 4,
}


def _pad_symbolic(g, x, padding, mode, _value):
    # torch 1.13 exports pads through a shape-computing subgraph (ConstantOfShape, Slice,
    # Transpose...); our amounts are constants, so emit one plain Pad with constant pads.
    left, right, top, bottom = symbolic_helper._parse_arg(padding, "is")
    assert symbolic_helper._parse_arg(mode, "s") == "reflect"
    pads = g.op("Constant", value_t=torch.tensor([0, 0, top, left, 0, 0, bottom, right], dtype=torch.int64))
    return g.op("Pad", x, pads, mode_s="reflect")


def export_fp32(single, path):
    torch.onnx.register_custom_op_symbolic("aten::pad", _pad_symbolic, 17)
    torch.onnx.export(single, torch.rand(1, 3, 64, 64), path, opset_version=17, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {2: "H", 3: "W"}, "output": {2: "H", 3: "W"}},
                      do_constant_folding=True)
    m = onnx.load(path)
    m.graph.output[0].type.tensor_type.shape.dim[0].dim_value = 1  # batch is fixed at 1, not symbolic
    onnx.save(m, path)


def to_fp16(src, dst):
    """fp16 weights and math, fp32 graph I/O and fp32 InstanceNormalization (Cast nodes around them)."""
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    for node in g.node:
        if node.op_type == "Conv":
            for name in node.input[1:]:
                t = inits[name]
                t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), name))
    nodes = [helper.make_node("Cast", ["input"], ["input_fp16"], to=TensorProto.FLOAT16)]
    for node in g.node:
        for i, name in enumerate(node.input):
            if name == "input":
                node.input[i] = "input_fp16"
        if node.op_type == "InstanceNormalization":
            x, y = node.input[0], node.output[0]
            nodes.append(helper.make_node("Cast", [x], [x + "_fp32"], to=TensorProto.FLOAT))
            node.input[0], node.output[0] = x + "_fp32", y + "_fp32"
            nodes += [node, helper.make_node("Cast", [y + "_fp32"], [y], to=TensorProto.FLOAT16)]
            continue
        if node.output[0] == "output":
            node.output[0] = "output_fp16"
        nodes.append(node)
    nodes.append(helper.make_node("Cast", ["output_fp16"], ["output"], to=TensorProto.FLOAT))
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]  # stale float32 annotations from the fp32 export
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def fp16_emulated(single, images):
    """Outputs with fp16 conv weights and every activation rounded to fp16 after each op, as the
    fp16 graph stores them on WebGPU. Needed because onnxruntime-node's CPU provider folds our
    fp16 graph back to fp32 math (it has no fp16 Conv), so ORT alone only sees weight rounding."""
    net = copy.deepcopy(single)
    half = lambda t: t.half().float()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            m.weight.data, m.bias.data = half(m.weight.data), half(m.bias.data)
        if isinstance(m, (nn.Conv2d, nn.InstanceNorm2d, nn.ReflectionPad2d, Residual)):
            m.register_forward_hook(lambda _m, _i, out: half(out))
    with torch.no_grad():
        return [half(net(half(x))) for x in images]


def run_ort(model, images):
    """Run `model` with onnxruntime-node on each [1,3,H,W] tensor (all the same size)."""
    h, w = images[0].shape[2:]
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, x in enumerate(images):
            x.numpy().astype(np.float32).tofile(os.path.join(tmp, f"{i}.in"))
            args += [os.path.join(tmp, f"{i}.in"), os.path.join(tmp, f"{i}.out")]
        subprocess.run(["node", os.path.join(HERE, "ort_run.mjs"), str(torch.get_num_threads()), model, str(h), str(w), *args], check=True, cwd=ROOT)
        return [torch.from_numpy(np.fromfile(os.path.join(tmp, f"{i}.out"), np.float32).reshape(x.shape))
                for i, x in enumerate(images)]


def thumbnail(src, dst, width=160):
    im = Image.open(src).convert("RGB")
    im.resize((width, round(im.height * width / im.width)), Image.LANCZOS).save(dst, quality=80)


def write_manifest(models_dir, entries, replace_styles=False):
    """Replace/append `entries` by id. Entries of other tasks always stay untouched; other style
    entries stay too unless `replace_styles` (the project's own catalogue export, listed first so
    the app's default style is a real one)."""
    path = os.path.join(models_dir, "manifest.json")
    manifest = json.load(open(path)) if os.path.exists(path) else {"version": 1, "models": []}
    by_id = {e["id"]: e for e in entries}
    if replace_styles:
        manifest["models"] = entries + [m for m in manifest["models"] if m.get("task") != "style"]
    else:
        models = [by_id.pop(m["id"], m) if m.get("task") == "style" else m for m in manifest["models"]]
        manifest["models"] = models + list(by_id.values())
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def eval_losses(loss, net, style_idx, n_styles, args, photos):
    """Mean content/style loss (training definition) of one style over the evaluation photos."""
    target = loss.style_targets(load_image(args["styles"][style_idx], args.get("style_size", STYLE_SHORT_SIDE)))
    w = torch.eye(n_styles)[style_idx:style_idx + 1]
    c = s = 0.0
    with torch.no_grad():
        for x in photos:
            ci, si = loss(net(x, w), x, target)
            c, s = c + ci.item() / len(photos), s + si.item() / len(photos)
    return round(c, 4), round(s, 4)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True)
    p.add_argument("--meta", required=True, help="JSON list of {id, file, title, artist, year}; file = painting basename")
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--only", nargs="*", help="export only these ids")
    p.add_argument("--replace-styles", action="store_true", help="drop style entries not exported now")
    p.add_argument("--threads", type=int, default=1, help="1 leaves a core to a training run in the background")
    p.add_argument("--default-tier", default="realtime", help="this tier gets the plain id; others get -rt/-hq")
    a = p.parse_args(argv)

    torch.set_num_threads(a.threads)
    net, args, state = load_checkpoint(a.ckpt)
    loss = PerceptualLoss.from_args(args)
    n_styles, tier = net.config["n_styles"], args["tier"]
    style_dir, thumb_dir = os.path.join(a.models_dir, "style"), os.path.join(a.models_dir, "thumbs")
    os.makedirs(style_dir, exist_ok=True)
    os.makedirs(thumb_dir, exist_ok=True)
    check = eval_photos(os.path.dirname(os.path.abspath(a.ckpt)))  # ../shared's, else the user's own
    photos = [load_image(pth, 512, 4) if min(Image.open(pth).size) > 512 else load_image(pth, multiple=4) for pth in check]
    h, w = min(x.shape[2] for x in photos), min(x.shape[3] for x in photos)
    photos = [x[:, :, :h, :w] for x in photos]  # run_ort runs one size
    photos_256 = [load_image(pth, 256, 4) for pth in check]
    basenames = [os.path.basename(s) for s in args["styles"]]
    entries = []
    for meta in json.load(open(a.meta)):
        if meta["file"] not in basenames or (a.only and meta["id"] not in a.only):
            continue
        idx = basenames.index(meta["file"])
        sid = meta["id"] if tier == a.default_tier else f"{meta['id']}-{TIER_SUFFIX[tier]}"
        single = net.bake(torch.eye(n_styles)[idx])
        stem = os.path.join(style_dir, f"{meta['id']}.{TIER_SUFFIX[tier]}")
        export_fp32(single, stem + ".fp32.onnx")
        to_fp16(stem + ".fp32.onnx", stem + ".fp16.onnx")
        ops = sorted(set(op_list(stem + ".fp32.onnx")) | set(op_list(stem + ".fp16.onnx")))
        assert set(ops) <= ALLOWED_OPS, f"unexpected ops {ops}"

        with torch.no_grad():
            ref = [single(x) for x in photos]
        fp32 = run_ort(stem + ".fp32.onnx", photos)
        fp16 = run_ort(stem + ".fp16.onnx", photos)
        torch_diff = max((r - o).abs().max().item() for r, o in zip(ref, fp32))
        ort_fp16_diff = max((r - o).abs().max().item() for r, o in zip(fp32, fp16))
        emulated_diff = max((r - o).abs().max().item() for r, o in zip(ref, fp16_emulated(single, photos)))
        fp16_diff = max(ort_fp16_diff, emulated_diff)
        assert torch_diff < 1e-3, f"onnx fp32 differs from torch by {torch_diff}"
        content, style = eval_losses(loss, net, idx, n_styles, args, photos_256)
        print(f"{sid}: ops {ops}; ort-vs-torch {torch_diff:.2e}; fp16-vs-fp32 {ort_fp16_diff:.4f} (ORT), {emulated_diff:.4f} (emulated); "
              f"eval content {content} style {style}", flush=True)

        thumb = os.path.join(thumb_dir, f"{meta['id']}.jpg")
        thumbnail(args["styles"][idx], thumb)
        fp16_ok = fp16_diff <= FP16_TOLERANCE
        entries.append({
            "id": sid, "task": "style", "title": meta["title"], "embedded": True, "licence": LICENCE,
            "source": f"trained by training/ (this repo) on the painting image {meta['file']}",
            "style": {"artist": meta["artist"], "year": meta["year"],
                      "thumbnail": os.path.relpath(thumb, a.models_dir), "tier": tier},
            "io": IO,
            "variants": [dict(name="fp32", **file_info(stem + ".fp32.onnx", a.models_dir)),
                         dict(name="fp16", **file_info(stem + ".fp16.onnx", a.models_dir),
                              maxAbsDiffVsFp32=round(fp16_diff, 5))],
            "preferred": {"webgpu": "fp16" if fp16_ok else "fp32", "wasm": "fp32"},
            "recipe": with_base(recipe(net, args, state, n_styles, content, style, ops), args, state),
        })
    write_manifest(a.models_dir, entries, a.replace_styles)
    print(f"wrote {len(entries)} style entries to {os.path.join(a.models_dir, 'manifest.json')}")


def photos_are_shared(args):
    from data import EVAL_PHOTOS
    return all(os.path.exists(p) for p in EVAL_PHOTOS)


def loss_layers(args):
    from losses import LOSS_NETS
    spec = LOSS_NETS[args["loss_net"]]
    return args.get("style_layers") or spec["style"], args.get("content_layer") or spec["content"]


def with_base(rec, args, state):
    """A fine-tune's recipe (train.py --base a checkpoint, e.g. long_run.sh's polish) as the whole
    training: the base run's steps and seconds added, both learning-rate phases and stability weights said."""
    base = args.get("base")
    base = base and (base if os.path.isabs(base) else os.path.join(os.path.dirname(HERE), base))
    if base and base.endswith(".onnx") and state.get("baseRecipe"):
        # A fine-tune of a shipped file (train.py recorded that file's manifest recipe when it started).
        return chain(rec, state["baseRecipe"], args, state, "from that shipped file")
    if not base or not base.endswith(".pt") or not os.path.exists(base):
        return rec
    grown = torch.load(base).get("grownFrom")
    if grown:  # training/grow.py: a realtime net widened into this tier, the same picture at step 0
        rec = dict(rec)
        rec["grownFrom"] = {
            "source": grown,
            "method": ("training/grow.py (Net2Net-style, Chen et al. 2016): the realtime net's channels are the first "
                       "channels of each layer, its 5x5 kernels the centre of the 9x9 ones, its residual blocks the first "
                       "ones; new channels and blocks start with norm gamma = beta = 0, so the grown net computes the "
                       "source's picture exactly (checked, max abs diff < 1e-4) before every weight is fine-tuned here"),
            "note": "steps and trainingSeconds count the fine-tune only; the source's own training is in its recipe",
        }
        return rec
    _net, b_args, b_state = load_checkpoint(base)
    rec = chain(rec, with_base(recipe(_net, b_args, b_state, 1, None, None, []), b_args, b_state), args, state)
    trunk = len(b_args.get("styles") or [])
    if trunk > 1:  # training/trunk_row.py: one style's row of the shared multi-style trunk, then this fine-tune
        rec["multiStyle"] = (f"single-style network fine-tuned from one conditional-instance-norm network (Dumoulin et al. 2017) "
                             f"trained on {trunk} styles, starting from this style's (gamma, beta) row (training/trunk_row.py); "
                             "steps and trainingSeconds count the shared training too")
    return rec


def chain(rec, b_rec, args, state, where=""):
    """`rec` (a fine-tune) written as the whole training: base recipe `b_rec`, then this fine-tune."""
    stab = args.get("stability_weight") or 0
    rec = dict(rec)
    rec["steps"] = b_rec["steps"] + state["step"]
    rec["trainingSeconds"] = b_rec["trainingSeconds"] + round(state["seconds"])
    rec["optimiser"] = (f"{b_rec['optimiser']} ({b_rec['steps']} steps); then a fine-tune of every weight{' ' + where if where else ''}: "
                        f"{state['step']} steps at learning rate {args['lr']}, content weight {args['content_weight']}, "
                        f"style weight {args['style_weight']}, stability weight {stab}"
                        + (f" (noisy copy moved by up to {args['stability_shift']} px"
                           + (", in fractions of a pixel too" if args.get("stability_subpixel") else "") + ")"
                           if args.get("stability_shift") else ""))
    rec["lossWeights"] = b_rec["lossWeights"]
    rec["fineTune"] = {"steps": state["step"], "learningRate": args["lr"], "lossWeights": {
        "content": args["content_weight"], "style": args["style_weight"], "stability": stab},
        **shift_record(args)}
    return rec


def shift_record(args):
    """The shift-stability term's settings, for the manifest (train.py --stability-shift/--stability-subpixel)."""
    if not args.get("stability_shift"):
        return {}
    return {"stabilityShiftPx": args["stability_shift"], **({"stabilityShiftSubpixel": True} if args.get("stability_subpixel") else {})}


def recipe(net, args, state, n_styles, content, style, ops):
    cfg = net.config
    return {
        "network": (f"Johnson et al. 2016 transform net, widths {cfg['c']}/{2 * cfg['c']}/{4 * cfg['c']}, "
                    f"{cfg['k']}x{cfg['k']} first/last conv, {cfg['blocks']} residual blocks, instance norm, "
                    f"nearest upsample + conv, reflect padding, sigmoid; {macs_per_px(cfg['c'], cfg['k'], cfg['blocks'])} MACs/px"),
        "tier": args["tier"],
        "multiStyle": (f"one conditional-instance-norm network (Dumoulin et al. 2017) trained on {n_styles} styles; "
                       "this file bakes this style's (gamma, beta) into plain InstanceNormalization"
                       if n_styles > 1 else
                       "the shipped multi-style net's convolutions, frozen; only this style's instance-norm "
                       "(gamma, beta) trained (Dumoulin et al. 2017)" if args.get("mode") == "norm" else "single-style network"),
        "steps": state["step"], "batch": args["batch"], "optimiser": (f"Adam, learning rate {args['lr']} decaying linearly to {args['lr_end']} by step {args['steps']}"
                                                                  if args.get("lr_end") else f"Adam, final learning rate {args['lr']}"),
        "crop": (f"random {args.get('crop_min', 128)}-{args.get('crop_max', 256)} px square crops resized to "
                 f"{args['size']} px, random horizontal flip"),
        "lossWeights": {"content": args["content_weight"], "style": args["style_weight"],
                        **({"stability": args["stability_weight"]} if args.get("stability_weight") else {})},
        **shift_record(args),
        "lossLayers": {"style": loss_layers(args)[0], "content": loss_layers(args)[1],
                       "paintingShortSide": args.get("style_size", STYLE_SHORT_SIDE)},
        "lossNetwork": (f"nsfwjs {args['loss_net']} (ImageNet-initialised), converted by training/nsfwjs_to_torch.py; "
                        f"activations smoothed: {args['smooth']} over channels (Wang et al. 2021); "
                        "input reflect-padded 16 px; relative Gram/content losses"),
        "contentData": " + ".join(filter(None, [
            "the user's own photos/videos" if args.get("content") else "",
            "BSDS500 (500 photos) + frames of the shared ski.mov and frames.webm clips" if args.get("shared", True) else ""])),
        "trainingSeconds": round(state["seconds"]),
        "finalLoss": {"content": content, "style": style,
                      "measuredOn": "starry/kandinsky/sketch_in.png at 256 px, training loss definition"
                      if photos_are_shared(args) else "3 of the training content images at 256 px, training loss definition"},
        "fp16Check": ("maxAbsDiffVsFp32 = max of onnxruntime-node on the fp16 file (CPU folds it to fp32 math, "
                      "so weight rounding only) and a torch emulation rounding every activation to fp16"),
        "int8": "not measured yet for this file: training/quantize_int8.py --only <id> builds, measures and records it",
        "onnxOps": ops,
    }


if __name__ == "__main__":
    main()
