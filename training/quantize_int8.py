"""int8 (QDQ) variants of the style models for the WASM backend, measured against fp32, and the
verdict written into models/manifest.json.

    /usr/bin/python3 training/quantize_int8.py [--models-dir models] [--only id ...] [--reps 3] [--keep-rejected DIR | --out-dir DIR]
    /usr/bin/python3 training/quantize_int8.py --quality [--reps 2]     # the quality-tier multi-style model

With --quality it does the same for the quality model (blend-hq): calibration images take its styles
in turn (one-hot style weights), and it is measured once per style; one file serves every style, so
it ships only if every style is within the tolerance and faster.

For every style entry (or those in --only) it takes the fp32 variant's file from the manifest, and:
1. calibrates: runs the fp32 graph with every Conv input and output added as graph outputs on
   calibration photos (BSDS500 photos and frames of the shared clips; never the evaluation photos)
   under onnxruntime-node, and takes a percentile range per tensor;
2. quantises statically to a QDQ graph that ONNX Runtime's CPU provider (the one inside
   onnxruntime-web's WASM build) fuses into QLinearConv: uint8 asymmetric activations
   (QuantizeLinear -> DequantizeLinear on each Conv input and output), int8 symmetric
   per-output-channel weights and int32 bias (DequantizeLinear on initialisers). Before that,
   every Conv feeding an InstanceNormalization is rescaled per channel (`equalise`). The first
   Conv (the largest error of any single layer in int8) and the last (logits before the Sigmoid),
   ~12% of the MACs together, and everything else (InstanceNormalization, Pad, Relu, Add, Resize,
   Sigmoid) stay fp32;
3. measures on onnxruntime-web's WASM backend (training/int8_ort.mjs bench) on the three
   evaluation photos at 512 px: int8/fp32 latency from interleaved runs, and the int8 output's
   difference from the fp32 output;
4. checks a single-style file again under onnxruntime-node at 256 px (the int8 kernels there round
   differently; training/int8.test.ts runs the same check): recipe.int8.nativeCheck;
5. ships the int8 file (variant "int8", preferred.wasm = "int8") only if it is faster and within
   TOLERANCE in both; otherwise deletes it and records the figures and the reason in recipe.int8.
Only the style entries' int8 bits of the manifest change; it is rerunnable.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from data import BSDS, EVAL_PHOTOS, extract_frames, load_image  # noqa: E402
from onnx_files import entry_onnx_ops, file_info  # noqa: E402

# Stated before measuring. Outputs are RGB in [0, 1], shown as 8-bit images: a mean abs difference
# of 0.01 is 2.5 grey levels on average, and 30 dB PSNR is the level at which a lossy image codec's
# output is generally hard to tell from its source at a glance. Both must hold on every
# evaluation photo. A max-abs bound is not used: with 8-bit activations a few pixels on strong
# edges always move by more, and it would reject any int8 graph.
TOLERANCE = {"meanAbsDiff": 0.01, "psnrDb": 30.0}
# Activation range: per image, drops the rarest 0.1% at each end instead of taking min/max. Tried
# on starry-night with every Conv int8 (after `equalise`): 99.99 gave a worst-photo mean abs diff of
# 0.047, 99.9 0.031, 99.0 0.032 (clipping starts to hurt: max abs 0.75, and the other photos worse).
PERCENTILE = 99.9
CALIBRATION_BSDS = 10  # every 50th BSDS500 photo (sorted by name)
EVAL_SIZE = 512
QUANTISER = "training/quantize_int8.py"


def calibration_images(tmp):
    """Every 50th BSDS500 photo and one frame every 2 s of the shared clips, at their own size."""
    photos = sorted(glob.glob(os.path.join(BSDS, "*.jpg")))[:: max(1, 500 // CALIBRATION_BSDS)]
    frames = extract_frames(os.path.join(tmp, "frames"), every_s=2.0)
    return [load_image(p, multiple=4).numpy() for p in photos + frames]


def node(*args, weights=None):
    """int8_ort.mjs; `weights` (a "w0,w1,..." row) is a multi-style model's style_weights feed."""
    env = {**os.environ, "STYLE_WEIGHTS": weights} if weights else None
    return subprocess.run(["node", os.path.join(HERE, "int8_ort.mjs"), *map(str, args)], check=True, cwd=ROOT,
                          capture_output=True, text=True, env=env).stdout


def conv_tensors(model):
    """Names of every Conv's data input and output, in graph order."""
    names = []
    for n in model.graph.node:
        if n.op_type == "Conv":
            names += [n.input[0], n.output[0]]
    return list(dict.fromkeys(names))


def calibrate(model, images, tmp, style_rows=None):
    """Runs `model` (an onnx.ModelProto) on `images` and returns, for every Conv input and output,
    its range {name: (lo, hi)} (per image the PERCENTILE range, then the widest over images) and
    its per-channel mean and std {name: (mean[C], std[C])} averaged over images. For a multi-style
    model, `style_rows(i)` is image i's style weights (the images take the styles in turn)."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = conv_tensors(probe)
    del probe.graph.output[:]
    probe.graph.output.extend(helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in names)
    probe_path = os.path.join(tmp, "probe.onnx")
    onnx.save(probe, probe_path)
    ranges = {n: (0.0, 0.0) for n in names}
    moments = {n: [] for n in names}
    for i, x in enumerate(images):
        x.astype(np.float32).tofile(os.path.join(tmp, "cal.in"))
        node("dump", probe_path, x.shape[2], x.shape[3], os.path.join(tmp, "cal.in"), os.path.join(tmp, f"cal{i}"),
             weights=style_rows(i) if style_rows else None)
        for j, n in enumerate(names):
            file = os.path.join(tmp, f"cal{i}.{j}.f32")
            t = np.fromfile(file, np.float32)
            os.remove(file)
            lo, hi = np.percentile(t, [100 - PERCENTILE, PERCENTILE])
            ranges[n] = (min(ranges[n][0], float(lo)), max(ranges[n][1], float(hi)))
            per_channel = t.reshape(channels(model, n), -1)
            moments[n].append((per_channel.mean(axis=1), per_channel.std(axis=1)))
    stats = {n: (np.mean([m for m, _ in v], axis=0), np.mean([s for _, s in v], axis=0)) for n, v in moments.items()}
    return ranges, stats


def channels(model, tensor):
    """Channel count of a Conv input or output, from the Conv's weight shape."""
    inits = {t.name: t for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Conv" and tensor in (n.input[0], n.output[0]):
            dims = inits[n.input[1]].dims
            return dims[0] if tensor == n.output[0] else dims[1]
    raise KeyError(tensor)


def equalise(model, stats):
    """Rescales, per output channel, every Conv that feeds only an InstanceNormalization, so that
    each channel has mean 0 and std 1 on the calibration images. InstanceNormalization removes a
    per-channel offset and scale exactly (up to its epsilon, 1e-5 against channel variances of at
    least ~2e-3 here), so the fp32 output is unchanged, but one per-tensor uint8 range then fits
    every channel: without this, channels whose std is 1/20 of their neighbours' get a handful of
    quantisation levels, and InstanceNormalization amplifies that error 20x."""
    inits = {t.name: t for t in model.graph.initializer}
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n.op_type)
    for n in model.graph.node:
        if n.op_type != "Conv" or consumers.get(n.output[0]) != ["InstanceNormalization"]:
            continue
        mean, std = stats[n.output[0]]
        a = 1 / np.maximum(std, 1e-3)
        w, b = (numpy_helper.to_array(inits[k]) for k in n.input[1:3])
        inits[n.input[1]].CopyFrom(numpy_helper.from_array((w * a[:, None, None, None]).astype(np.float32), n.input[1]))
        inits[n.input[2]].CopyFrom(numpy_helper.from_array((a * (b - mean)).astype(np.float32), n.input[2]))
    return model


def uint8_params(lo, hi):
    """Asymmetric uint8 scale / zero point for [lo, hi]; the range always includes 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255
    return np.float32(scale), np.uint8(min(255, max(0, round(-lo / scale))))


def quantise(fp32, ranges, out_path, keep=()):
    """Writes the QDQ int8 graph of the fp32 ModelProto `fp32` to `out_path` (see the module
    docstring); Convs whose index (in graph order) is in `keep` stay fp32."""
    model = onnx.ModelProto()
    model.CopyFrom(fp32)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    new_inits, nodes, dropped = [], [], set()

    def const(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(tensor, src, dst):
        """src -> QuantizeLinear -> DequantizeLinear -> dst, uint8 with the calibrated range of `tensor`."""
        scale, zero = uint8_params(*ranges[tensor])
        s, z = const(f"{tensor}_scale", np.array(scale)), const(f"{tensor}_zero", np.array(zero))
        nodes.append(helper.make_node("QuantizeLinear", [src, s, z], [f"{tensor}_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [f"{tensor}_q", s, z], [dst]))
        return scale

    convs = [n for n in g.node if n.op_type == "Conv"]
    for n in g.node:
        if n.op_type != "Conv" or convs.index(n) in keep:
            nodes.append(n)
            continue
        x, w_name, b_name = n.input
        y = n.output[0]
        x_scale = qdq(x, x, f"{x}_dq")
        w = numpy_helper.to_array(inits[w_name]).astype(np.float64)
        b = numpy_helper.to_array(inits[b_name]).astype(np.float64)
        w_scale = np.maximum(np.abs(w).reshape(len(w), -1).max(axis=1), 1e-12) / 127
        w_q = np.clip(np.round(w / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
        b_scale = (x_scale * w_scale).astype(np.float32)
        b_q = np.round(b / b_scale).astype(np.int32)
        nodes.append(helper.make_node(
            "DequantizeLinear", [const(f"{w_name}_q", w_q), const(f"{w_name}_scale", w_scale.astype(np.float32)),
                                 const(f"{w_name}_zero", np.zeros(len(w), np.int8))], [f"{w_name}_dq"], axis=0))
        nodes.append(helper.make_node(
            "DequantizeLinear", [const(f"{b_name}_q", b_q), const(f"{b_name}_scale", b_scale),
                                 const(f"{b_name}_zero", np.zeros(len(b), np.int32))], [f"{b_name}_dq"], axis=0))
        conv = helper.make_node("Conv", [f"{x}_dq", f"{w_name}_dq", f"{b_name}_dq"], [f"{y}_fp"], name=n.name)
        conv.attribute.extend(n.attribute)
        nodes.append(conv)
        qdq(y, f"{y}_fp", y)
        dropped |= {w_name, b_name}

    del g.node[:]
    g.node.extend(nodes)
    kept = [t for t in g.initializer if t.name not in dropped]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def output_diff(out_prefix, photo):
    """How far int8_ort.mjs's int8 output (OUT.int8.f32) is from its fp32 one (OUT.fp32.f32)."""
    a, b = (np.fromfile(f"{out_prefix}.{v}.f32", np.float32).astype(np.float64) for v in ("fp32", "int8"))
    d = np.abs(a - b)
    mse = float((d ** 2).mean())
    return {
        "photo": os.path.basename(photo),
        "maxAbsDiff": round(float(d.max()), 4),
        "meanAbsDiff": round(float(d.mean()), 5),
        "psnrDb": round(10 * math.log10(1 / mse), 2) if mse > 0 else math.inf,
    }


def measure(fp32_path, int8_path, reps, tmp, weights=None):
    """Latency and output difference of int8 vs fp32 on onnxruntime-web WASM, per evaluation photo."""
    args = []
    for i, p in enumerate(EVAL_PHOTOS):
        x = load_image(p, EVAL_SIZE, 4).numpy()
        x.astype(np.float32).tofile(os.path.join(tmp, f"eval{i}.in"))
        args += [os.path.join(tmp, f"eval{i}.in"), os.path.join(tmp, f"eval{i}.out")]
    times = json.loads(node("bench", fp32_path, int8_path, reps, x.shape[2], x.shape[3], *args, weights=weights))
    photos = [{**output_diff(os.path.join(tmp, f"eval{i}.out"), p),
               "fp32Ms": round(float(np.median(times["fp32"][i])), 1),
               "int8Ms": round(float(np.median(times["int8"][i])), 1)} for i, p in enumerate(EVAL_PHOTOS)]
    # A ratio per interleaved fp32/int8 pair, so both halves of a ratio saw the same machine load.
    pair_ratios = [i8 / f32 for f in range(len(EVAL_PHOTOS)) for f32, i8 in zip(times["fp32"][f], times["int8"][f])]
    return photos, float(np.median(pair_ratios))


NATIVE_SIZE = 256  # training/int8.test.ts's check: square, nearest-neighbour, onnxruntime-node


def native_input(path, side=NATIVE_SIZE):
    """[1,3,side,side] in [0,1], nearest-neighbour like training/int8.test.ts's photoPlanes()."""
    from PIL import Image
    im = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255
    h, w = im.shape[:2]
    ys = (np.arange(side) * h) // side
    xs = (np.arange(side) * w) // side
    return np.ascontiguousarray(im[ys][:, xs].transpose(2, 0, 1)[None])


def measure_native(fp32_path, int8_path, tmp):
    """The int8 output's difference from fp32 under onnxruntime-node (whose int8 kernels round
    differently from the WASM build's), on the evaluation photos at NATIVE_SIZE."""
    args = []
    for i, p in enumerate(EVAL_PHOTOS):
        native_input(p).tofile(os.path.join(tmp, f"native{i}.in"))
        args += [os.path.join(tmp, f"native{i}.in"), os.path.join(tmp, f"native{i}.out")]
    node("native", fp32_path, int8_path, NATIVE_SIZE, NATIVE_SIZE, *args)
    rows = [output_diff(os.path.join(tmp, f"native{i}.out"), p) for i, p in enumerate(EVAL_PHOTOS)]
    return [{k: r[k] for k in ("photo", "meanAbsDiff", "psnrDb")} for r in rows]


def int8_file_for(fp32_file):
    stem = fp32_file[: -len(".fp32.onnx")] if fp32_file.endswith(".fp32.onnx") else os.path.splitext(fp32_file)[0]
    return stem + ".int8.onnx"


def verdict(photos, ratio, native=()):
    """(ships, reason). `native`: measure_native()'s rows, which must be within the tolerance too."""
    misses = [f"{p['photo']}{where} {k} {p[k]}" for rows, where in ((photos, ""), (native, f" (onnxruntime-node, {NATIVE_SIZE} px)"))
              for p in rows for k in TOLERANCE
              if (p[k] > TOLERANCE[k] if k == "meanAbsDiff" else p[k] < TOLERANCE[k])]
    if misses:
        return False, "outside the tolerance: " + ", ".join(misses)
    if ratio >= 1:
        return False, f"not faster on WASM: int8/fp32 latency {ratio:.2f}"
    return True, f"{1 / ratio:.2f}x faster than fp32 on WASM and within the tolerance"


def summary(photos, ratio, reps):
    return {
        "latencyRatioVsFp32": round(ratio, 3),
        "maxAbsDiffVsFp32": max(p["maxAbsDiff"] for p in photos),
        "meanAbsDiffVsFp32": max(p["meanAbsDiff"] for p in photos),
        "psnrDbVsFp32": min(p["psnrDb"] for p in photos),
        "measuredOn": f"onnxruntime-web {ort_web_version()} WASM backend, 1 thread, in Node; "
                      f"{', '.join(dict.fromkeys(p['photo'] for p in photos))} at {EVAL_SIZE} px; latency = median of "
                      f"{reps * len(photos)} interleaved int8/fp32 run pairs; diffs = worst photo",
    }


def ort_web_version():
    return json.load(open(os.path.join(ROOT, "node_modules", "onnxruntime-web", "package.json")))["version"]


def method(inner=7):
    return (f"static QDQ by {QUANTISER}: the {inner} inner Convs get int8 symmetric per-output-channel weights, int32 "
            f"bias and uint8 asymmetric inputs/outputs ({PERCENTILE} percentile ranges from {CALIBRATION_BSDS} BSDS500 "
            f"photos and frames of the shared clips), fused to QLinearConv by ONNX Runtime, after rescaling each "
            f"Conv output channel to mean 0 / std 1 ahead of its InstanceNormalization (exact in fp32); first and "
            f"last Conv, InstanceNormalization, Pad, Resize, Add and Sigmoid stay fp32. Tolerance vs fp32 on every evaluation "
            f"photo: mean abs diff <= {TOLERANCE['meanAbsDiff']}, PSNR >= {TOLERANCE['psnrDb']} dB, on WASM at {EVAL_SIZE} px "
            f"and (single-style files) under onnxruntime-node at {NATIVE_SIZE} px; shipped only if "
            f"also faster. WASM only: never preferred on WebGPU")


def update_entry(entry, models_dir, int8_path, ships, reason, figures, photos, inner=7, per_style=None, native=None):
    entry["variants"] = [v for v in entry["variants"] if v["name"] != "int8"]
    if ships:
        entry["variants"].append(dict(name="int8", **file_info(int8_path, models_dir), **figures))
        entry["preferred"]["wasm"] = "int8"
    elif entry["preferred"].get("wasm") == "int8":
        entry["preferred"]["wasm"] = "fp32"
    if "onnxOps" in entry.get("recipe", {}):  # the int8 file's QuantizeLinear/DequantizeLinear, or their removal
        entry["recipe"]["onnxOps"] = entry_onnx_ops(entry, models_dir)
    entry.setdefault("recipe", {})["int8"] = {
        "shipped": ships, "reason": reason, "method": method(inner), "tolerance": TOLERANCE, **figures,
        **({"perStyle": per_style} if per_style else {"perPhoto": photos}),
        **({"nativeCheck": {"on": f"onnxruntime-node, 1 thread, {NATIVE_SIZE}x{NATIVE_SIZE} px nearest-neighbour "
                                  "(its int8 kernels round differently from the WASM build's; training/int8.test.ts)",
                            "perPhoto": native}} if native else {})}


def one_hot(n, k):
    return ",".join("1" if i == k else "0" for i in range(n))


def measure_styles(entry, fp32_path, int8_path, reps, tmp):
    """measure() once per style of a multi-style model (one-hot rows); a single-style model once.
    Returns (photos, ratio, ships, reason, per_style, native): one file serves every style, so it ships
    only if every style does; photos/ratio are the worst style's / the median style's. A single-style
    model is also checked under onnxruntime-node (measure_native(), `native`: its rows, else None)."""
    styles = entry.get("blend", {}).get("styles")
    if not styles:
        photos, ratio = measure(fp32_path, int8_path, reps, tmp)
        native = measure_native(fp32_path, int8_path, tmp)
        return (photos, ratio, *verdict(photos, ratio, native), None, native)
    per_style, all_photos, ratios = {}, [], []
    for k, sid in enumerate(styles):
        photos, ratio = measure(fp32_path, int8_path, reps, tmp, one_hot(len(styles), k))
        ships, reason = verdict(photos, ratio)
        figures = {key: v for key, v in summary(photos, ratio, reps).items() if key != "measuredOn"}
        per_style[sid] = {"shipped": ships, "reason": reason, **figures}
        print(f"  {sid}: int8/fp32 {ratio:.3f}, worst mean abs {per_style[sid]['meanAbsDiffVsFp32']}, "
              f"PSNR {per_style[sid]['psnrDbVsFp32']} dB -> {'ok' if ships else reason}", flush=True)
        all_photos += [dict(p, style=sid) for p in photos]
        ratios.append(ratio)
    misses = [sid for sid, r in per_style.items() if not r["shipped"]]
    ratio = float(np.median(ratios))
    if misses:
        return all_photos, ratio, False, f"one file serves every style and {', '.join(misses)} miss: " + "; ".join(
            f"{sid} {per_style[sid]['reason']}" for sid in misses), per_style, None
    return all_photos, ratio, True, f"every style {1 / max(ratios):.2f}x or more faster than fp32 on WASM and within the tolerance", per_style, None


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--only", nargs="*", help="only these style ids")
    p.add_argument("--quality", action="store_true", help="the quality-tier multi-style model (blend.tier quality), one-hot per style, instead of the style entries")
    p.add_argument("--reps", type=int, default=3, help="timed fp32/int8 pairs per evaluation photo")
    p.add_argument("--keep-rejected", metavar="DIR", help="move int8 files that do not ship here instead of deleting them")
    p.add_argument("--out-dir", metavar="DIR", help="only quantise: write the int8 files here (for benchmarks); no measurement, manifest untouched")
    a = p.parse_args(argv)

    path = os.path.join(a.models_dir, "manifest.json")
    manifest = json.load(open(path))
    if a.quality:
        entries = [m for m in manifest["models"] if m.get("blend", {}).get("tier") == "quality"]
        if not entries:
            p.error(f"no quality-tier model in {path}")
    else:
        entries = [m for m in manifest["models"] if m.get("task") == "style" and (not a.only or m["id"] in a.only)]
    unknown = set(a.only or ()) - {m["id"] for m in entries}
    if unknown:
        p.error(f"no style entry with id {', '.join(sorted(unknown))} in {path}")
    with tempfile.TemporaryDirectory() as tmp:
        images = calibration_images(tmp)
        for entry in entries:
            fp32 = next(v for v in entry["variants"] if v["name"] == "fp32")
            fp32_path = os.path.join(a.models_dir, fp32["file"])
            int8_path = os.path.join(a.models_dir, int8_file_for(fp32["file"]))
            if a.out_dir:
                os.makedirs(a.out_dir, exist_ok=True)
                int8_path = os.path.join(a.out_dir, os.path.basename(int8_path))
            model = onnx.load(fp32_path)
            styles = entry.get("blend", {}).get("styles")
            rows = (lambda i: one_hot(len(styles), i % len(styles))) if styles else None  # noqa: E731
            model = equalise(model, calibrate(model, images, tmp, rows)[1])
            convs = [n for n in model.graph.node if n.op_type == "Conv"]
            quantise(model, calibrate(model, images, tmp, rows)[0], int8_path, keep=(0, len(convs) - 1))
            if a.out_dir:
                print(f"{entry['id']}: wrote {int8_path}", flush=True)
                continue
            photos, ratio, ships, reason, per_style, native = measure_styles(entry, fp32_path, int8_path, a.reps, tmp)
            if not ships and a.keep_rejected:
                os.makedirs(a.keep_rejected, exist_ok=True)
                os.replace(int8_path, os.path.join(a.keep_rejected, os.path.basename(int8_path)))
            elif not ships:
                os.remove(int8_path)
            figures = summary(photos, ratio, a.reps)
            print(f"{entry['id']}: int8/fp32 {ratio:.3f}; worst mean abs {figures['meanAbsDiffVsFp32']}, "
                  f"max abs {figures['maxAbsDiffVsFp32']}, PSNR {figures['psnrDbVsFp32']} dB -> "
                  f"{'ships' if ships else 'not shipped'} ({reason})", flush=True)
            # Load-modify-write per style: other tools may edit other entries meanwhile, and an
            # interrupted run keeps what it measured.
            manifest = json.load(open(path))
            fresh = next(m for m in manifest["models"] if m["id"] == entry["id"])
            update_entry(fresh, a.models_dir, int8_path, ships, reason, figures, photos, len(convs) - 2, per_style, native)
            with open(path, "w") as f:
                json.dump(manifest, f, indent=2, ensure_ascii=False)
                f.write("\n")


if __name__ == "__main__":
    main()
