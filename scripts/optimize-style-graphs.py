"""Rewrite the shipped style graphs so they do less work, with the same output (issue 17 part 1).

    /usr/bin/python3 scripts/optimize-style-graphs.py IN.onnx [IN2.onnx ...] --out-dir DIR
    /usr/bin/python3 scripts/optimize-style-graphs.py --in-place models/style/*.onnx

The one rewrite: **nearest 2x upsample + reflect pad 1 + 3x3 conv -> edge pad 1 + 2x2 conv with 4x
the output channels + depth-to-space** ("sub-pixel" form of the same function).

With u = nearest-upsampled x (u[p] = x[p // 2]), output row 2i+a of the 3x3 conv reads u rows
2i+a-1 .. 2i+a+1, i.e. x rows {i-1, i, i} for a = 0 and {i, i, i+1} for a = 1: two distinct source
rows, whose taps are sums of the 3x3 kernel's rows (a=0: [w0, w1+w2]; a=1: [w0+w1, w2]); the same
for columns. Reflect padding of u by 1 reads u[-1] = u[1] = x[0] and u[2n] = u[2n-2] = x[n-1]:
exactly x padded by 1 with 'edge' mode. So one 2x2 valid conv over edge-padded x with 4 * Cout
output channels (one set per phase (a, b)) gives an (H+1) x (W+1) map; phase (a, b) is its window
starting at (a, b); the four windows, concatenated in DCR order, go through DepthToSpace(2).

Work per high-res output pixel falls from 9 * Cin * Cout to 4 * Cin * Cout MACs for those convs,
the Resize disappears and the pad runs on the 4x smaller tensor. Only float sums are reordered: the
script checks every rewritten file against the original with onnxruntime-node (scripts in
bench/profile-check.mjs) and prints max abs diff / PSNR.

fp16 graphs (conv weights stored fp16, Casts around): the summed taps are computed in float32 from
the fp16 weights and stored back as fp16 (one more rounding of a sum of two or three weights).
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MARK = "clipmorph.subpixel_upsample"


def const_value(graph, name):
    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    for n in graph.node:
        if n.op_type == "Constant" and n.output[0] == name:
            return numpy_helper.to_array(n.attribute[0].t)
    return None


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def subpixel_weights(w):
    """[Cout, Cin, 3, 3] -> [4 * Cout, Cin, 2, 2], phases (a, b) in DCR order (a * 2 + b) * Cout + c."""
    cout = w.shape[0]
    w = w.astype(np.float32)
    rows = {0: [w[:, :, 0:1], w[:, :, 1:3].sum(2, keepdims=True)], 1: [w[:, :, 0:2].sum(2, keepdims=True), w[:, :, 2:3]]}
    out = np.zeros((4 * cout, w.shape[1], 2, 2), np.float32)
    for a in (0, 1):
        r = np.concatenate(rows[a], axis=2)  # [Cout, Cin, 2, 3]
        cols = {0: [r[:, :, :, 0:1], r[:, :, :, 1:3].sum(3, keepdims=True)], 1: [r[:, :, :, 0:2].sum(3, keepdims=True), r[:, :, :, 2:3]]}
        for b in (0, 1):
            out[(a * 2 + b) * cout:(a * 2 + b + 1) * cout] = np.concatenate(cols[b], axis=3)
    return out


def rewrite(model):
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    producer = {o: n for n in g.node for o in n.output}
    count = 0
    new_nodes = []
    drop = set()
    for n in g.node:
        if n.op_type != "Resize" or id(n) in drop:
            continue
        scales = const_value(g, n.input[2]) if len(n.input) > 2 and n.input[2] else None
        if scales is None or list(scales) != [1.0, 1.0, 2.0, 2.0] or attr(n, "mode") != b"nearest":
            continue
        if attr(n, "coordinate_transformation_mode") != b"asymmetric" or attr(n, "nearest_mode") != b"floor":
            continue
        pads_users = consumers.get(n.output[0], [])
        if len(pads_users) != 1 or pads_users[0].op_type != "Pad":
            continue
        pad = pads_users[0]
        if attr(pad, "mode") != b"reflect" or list(const_value(g, pad.input[1])) != [0, 0, 1, 1, 0, 0, 1, 1]:
            continue
        conv_users = consumers.get(pad.output[0], [])
        if len(conv_users) != 1 or conv_users[0].op_type != "Conv":
            continue
        conv = conv_users[0]
        if list(attr(conv, "kernel_shape", [])) != [3, 3] or list(attr(conv, "strides", [1, 1])) != [1, 1] \
                or list(attr(conv, "pads", [0, 0, 0, 0])) != [0, 0, 0, 0] or attr(conv, "group", 1) != 1 \
                or list(attr(conv, "dilations", [1, 1])) != [1, 1]:
            continue
        # The weight may come straight from an initializer (fp32) or through a Cast (fp16 files).
        wname = conv.input[1]
        cast = None
        if wname not in inits and wname in producer and producer[wname].op_type == "Cast":
            cast = producer[wname]
            wname = cast.input[0]
        w_init = inits[wname]
        w = numpy_helper.to_array(w_init)
        cout = w.shape[0]
        w2 = subpixel_weights(w).astype(w.dtype)
        w_init.CopyFrom(numpy_helper.from_array(w2, wname))
        bias_name = conv.input[2] if len(conv.input) > 2 else ""
        if bias_name:
            bcast = None
            bname = bias_name
            if bname not in inits and bname in producer and producer[bname].op_type == "Cast":
                bcast = producer[bname]
                bname = bcast.input[0]
            b = numpy_helper.to_array(inits[bname])
            inits[bname].CopyFrom(numpy_helper.from_array(np.tile(b, 4).astype(b.dtype), bname))
        x = n.input[0]
        base = conv.output[0] + "/subpixel"
        pads_name = base + "/pads"
        g.initializer.append(numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), pads_name))
        padded = base + "/edge_pad"
        full = base + "/conv2x2"
        # Replace the Resize/Pad/Conv trio in place: Pad(edge) -> Conv 2x2 -> 4 Slices -> Concat -> DepthToSpace.
        nodes = [helper.make_node("Pad", [x, pads_name], [padded], mode="edge", name=base + "/Pad"),
                 helper.make_node("Conv", [padded, conv.input[1]] + ([bias_name] if bias_name else []), [full],
                                  kernel_shape=[2, 2], strides=[1, 1], pads=[0, 0, 0, 0], name=base + "/Conv")]
        phases = []
        for a in (0, 1):
            for b in (0, 1):
                k = a * 2 + b
                names = [f"{base}/s{k}/{t}" for t in ("starts", "ends", "axes")]
                # window [k*Cout, (k+1)*Cout) x [a, a + H) x [b, b + W): ends are negative offsets from the end.
                g.initializer.append(numpy_helper.from_array(np.array([k * cout, a, b], np.int64), names[0]))
                g.initializer.append(numpy_helper.from_array(np.array([(k + 1) * cout, -1 + a if a == 0 else 2**62, -1 + b if b == 0 else 2**62], np.int64), names[1]))
                g.initializer.append(numpy_helper.from_array(np.array([1, 2, 3], np.int64), names[2]))
                out = f"{base}/phase{k}"
                nodes.append(helper.make_node("Slice", [full] + names, [out], name=f"{base}/Slice{k}"))
                phases.append(out)
        cat = base + "/phases"
        nodes.append(helper.make_node("Concat", phases, [cat], axis=1, name=base + "/Concat"))
        nodes.append(helper.make_node("DepthToSpace", [cat], [conv.output[0]], blocksize=2, mode="DCR", name=base + "/DepthToSpace"))
        new_nodes.append((n, pad, conv, nodes))
        drop.update({id(n), id(pad), id(conv)})
        count += 1
    if not count:
        return 0
    out = []
    replaced = {id(trio[0]): trio for trio in new_nodes}
    for n in g.node:
        if id(n) in replaced:
            out.extend(replaced[id(n)][3])
        elif id(n) not in drop:
            out.append(n)
    del g.node[:]
    g.node.extend(out)
    # Constants feeding only the removed nodes (Resize scales, reflect pads) go too.
    used = {i for n in g.node for i in n.input}
    keep = [n for n in g.node if not (n.op_type == "Constant" and n.output[0] not in used)]
    del g.node[:]
    g.node.extend(keep)
    model.metadata_props.append(onnx.StringStringEntryProto(key=MARK, value=str(count)))
    return count


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--out-dir")
    p.add_argument("--in-place", action="store_true")
    args = p.parse_args()
    if not args.in_place and not args.out_dir:
        p.error("--out-dir or --in-place")
    for f in args.files:
        model = onnx.load(f)
        if any(m.key == MARK for m in model.metadata_props):
            print(f"{f}: already rewritten")
            continue
        n = rewrite(model)
        onnx.checker.check_model(model)
        dest = f if args.in_place else os.path.join(args.out_dir, os.path.basename(f))
        if args.out_dir:
            os.makedirs(args.out_dir, exist_ok=True)
        onnx.save(model, dest)
        print(f"{f}: {n} upsample convs rewritten -> {dest} ({os.path.getsize(dest)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
