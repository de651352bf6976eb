"""The Blend model as a mix of the styles' own files' outputs.

Once the styles are one net per painting (issue 12's long run), no single multi-style net holds
their strokes: a norm-only style on another painting's convolutions recolours that painting's strokes
(training/README.md "One trunk for all styles?"). So the Blend control mixes what the two styles'
own files make of the photo:

    output = sum_i style_weights[0, i] * net_i(input)

as one ONNX graph with the same contract as the old multi-style file (inputs `input` [1,3,H,W] and
`style_weights` [1,S], output `output`), so the app, the morph and the tests need no change. Each
net sits in an `If` on its weight being above 0, so a blend of two styles runs two nets, not S; a
one-hot row reproduces that style's own file exactly.

The old 8-style conditional-norm net (`style/blend.rt.fp32.onnx`) stays in models/ for the
benchmarks; "add your own style" starts from the shared trunk `style/trunk.rt.fp32.onnx`.

    /usr/bin/python3 training/export_blend_outputs.py [--models-dir models] [--check]

Reads the manifest's `blend` entry (its `blend.styles`) and each style's fp32 variant, writes
`style/blend-outputs.rt.fp32.onnx`, points the `blend` entry at it and re-hashes. `--check` runs
one-hot rows and a 30/70 mix through onnxruntime-node against the single files.
"""
import argparse
import json
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from export_multistyle import max_diff, run_ort_blend  # noqa: E402
from export_onnx import run_ort  # noqa: E402
from onnx_files import file_info, op_list  # noqa: E402

OUT_FILE = "style/blend-outputs.rt.fp32.onnx"


def fp32_variant(entry):
    return next(v for v in entry["variants"] if v["name"] == "fp32")


def branch(net, prefix, weight4d):
    """`net`'s graph as an If branch: every name prefixed except the outer input, output times the weight."""
    g = net.graph
    outer_input = g.input[0].name
    rename = lambda n: n if n in ("", outer_input) else prefix + n
    nodes = []
    for node in g.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = prefix + (node.name or f"{node.op_type}_{len(nodes)}")
        copy.input[:] = [rename(n) for n in node.input]
        copy.output[:] = [rename(n) for n in node.output]
        nodes.append(copy)
    inits = []
    for init in g.initializer:
        copy = onnx.TensorProto()
        copy.CopyFrom(init)
        copy.name = prefix + init.name
        inits.append(copy)
    out = prefix + "weighted"
    nodes.append(helper.make_node("Mul", [rename(g.output[0].name), weight4d], [out], name=prefix + "weigh"))
    return helper.make_graph(nodes, prefix + "then", [], [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], initializer=inits)


def build(models_dir, styles, files):
    nodes, outs = [], []
    zeros = helper.make_graph(
        [helper.make_node("Mul", ["input", "zero"], ["nothing"], name="zeros")], "else", [],
        [helper.make_tensor_value_info("nothing", TensorProto.FLOAT, None)])
    opset = None
    for i, (sid, file) in enumerate(zip(styles, files)):
        net = onnx.load(os.path.join(models_dir, file))
        opset = opset or net.opset_import[0].version
        assert net.graph.input[0].name == "input" and len(net.graph.input) == 1, f"{file}: expected one input named input"
        p = f"s{i}_"
        nodes += [
            helper.make_node("Gather", ["style_weights", f"{p}index"], [f"{p}w"], axis=1, name=f"{p}gather"),
            helper.make_node("Reshape", [f"{p}w", "shape4d"], [f"{p}w4d"], name=f"{p}reshape"),
            helper.make_node("Greater", [f"{p}w4d", "zero"], [f"{p}on4d"], name=f"{p}greater"),
            helper.make_node("Reshape", [f"{p}on4d", "shape1"], [f"{p}on"], name=f"{p}on"),
            helper.make_node("If", [f"{p}on"], [f"{p}out"], name=f"{p}if", then_branch=branch(net, p, f"{p}w4d"), else_branch=zeros),
        ]
        outs.append(f"{p}out")
    nodes.append(helper.make_node("Sum", outs, ["output"], name="mix"))
    inits = [
        helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
        helper.make_tensor("shape4d", TensorProto.INT64, [4], [1, 1, 1, 1]),
        helper.make_tensor("shape1", TensorProto.INT64, [1], [1]),
    ] + [helper.make_tensor(f"s{i}_index", TensorProto.INT64, [1], [i]) for i in range(len(styles))]
    graph = helper.make_graph(
        nodes, "blend_outputs",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "H", "W"]),
         helper.make_tensor_value_info("style_weights", TensorProto.FLOAT, [1, len(styles)])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, "H", "W"])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="clipmorph training/export_blend_outputs.py")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def check(models_dir, out, styles, files):
    """One-hot rows against each single file, and a 30/70 mix against the same mix of the two outputs."""
    x = torch.rand((1, 3, 64, 96), generator=torch.Generator().manual_seed(0))
    singles = [run_ort(os.path.join(models_dir, f), [x])[0] for f in files]
    eye = torch.eye(len(styles))
    mix = torch.zeros(1, len(styles))
    mix[0, 0], mix[0, 2] = 0.7, 0.3
    rows = [eye[i:i + 1] for i in range(len(styles))] + [mix]
    outs = run_ort_blend(out, [x] * len(rows), rows)
    one_hot = max_diff(outs[:-1], singles)
    mixed = max_diff(outs[-1:], [0.7 * singles[0] + 0.3 * singles[2]])
    return {"oneHotVsSingleFiles": f"max abs diff {one_hot:.1e} (onnxruntime-node, 64x96 noise)",
            "mixVsSingleFiles": f"max abs diff {mixed:.1e} (0.7 {styles[0]} + 0.3 {styles[2]})"}, max(one_hot, mixed)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--check", action="store_true", help="compare with the single files on onnxruntime-node")
    args = p.parse_args(argv)
    path = os.path.join(args.models_dir, "manifest.json")
    manifest = json.load(open(path))
    by_id = {m["id"]: m for m in manifest["models"]}
    entry = by_id["blend"]
    styles = entry["blend"]["styles"]
    files = [fp32_variant(by_id[s])["file"] for s in styles]
    out = os.path.join(args.models_dir, OUT_FILE)
    onnx.save(build(args.models_dir, styles, files), out)
    recipe = {
        "network": f"the {len(styles)} styles' own files (blend.styles order), each inside an If on its weight > 0; output = sum of weight x that file's output",
        "tier": "realtime",
        "styleWeights": "style_weights[0][i] weighs blend.styles[i]'s output; rows summing to 1 mix the styles' outputs (a blend of two styles runs two nets); a one-hot row is that style's own file",
        "why": "each style is its own net (issue 12), so no one network holds every style's strokes; training/README.md 'Blend'",
        "madeBy": "training/export_blend_outputs.py",
        "styleFiles": {s: fp32_variant(by_id[s])["sha256"] for s in styles},
        "onnxOps": op_list(out),
    }
    if args.check:
        recipe["checks"], worst = check(args.models_dir, out, styles, files)
        print(json.dumps(recipe["checks"]))
        if worst > 1e-5:
            sys.exit(f"the blend graph does not reproduce the single files (max abs diff {worst:.1e})")
    entry["source"] = "made by training/export_blend_outputs.py from the styles' own files (this repo)"
    entry["variants"] = [{"name": "fp32", **file_info(out, args.models_dir)}]
    entry["preferred"] = {"webgpu": "fp32", "wasm": "fp32"}
    entry["recipe"] = recipe
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(out, ROOT)} ({os.path.getsize(out) / 1e6:.2f} MB) and the manifest's blend entry")


if __name__ == "__main__":
    main()
