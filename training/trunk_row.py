"""One style's net out of a multi-style checkpoint: the shared convs with that style's norm row.

A per-style fine-tune can then warm-start from what the shared trunk already learned for that
painting (train.py --base ROW.pt --mode full), instead of from the mean of all styles' norms, which is
what --base does with a multi-style checkpoint and one style.

    /usr/bin/python3 training/trunk_row.py --ckpt training/runs/long/trunk-mixed512/ckpt.pt \
        --style the-scream --out training/runs/ft/scream-row.pt
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def blend_styles():
    manifest = json.load(open(os.path.join(ROOT, "models", "manifest.json")))
    return next(m for m in manifest["models"] if m["id"] == "blend")["blend"]["styles"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ckpt", required=True, help="a multi-style checkpoint (the trunk's, blend.styles order)")
    p.add_argument("--style", required=True, help="style id, e.g. the-scream")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    ck = torch.load(a.ckpt)
    sd = ck["net"]
    n = sd["layers.0.norm.gamma"].shape[0]
    ids = blend_styles()
    if n != len(ids):
        sys.exit(f"trunk_row: {a.ckpt} has {n} styles, the blend has {len(ids)}")
    if a.style not in ids:
        sys.exit(f"trunk_row: {a.style} is not one of {', '.join(ids)}")
    i = ids.index(a.style)
    row = {k: (v[i:i + 1].clone() if k.endswith(".gamma") or k.endswith(".beta") else v.clone())
           for k, v in sd.items()}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    # A checkpoint like train.py's (config, args, state: the trunk's own), so the exported file's recipe
    # counts the trunk's steps and seconds before this fine-tune (export_onnx.py with_base).
    config = dict(ck["config"], n_styles=1)
    torch.save({"net": row, "config": config, "args": ck["args"], "state": ck["state"],
                "from": {"ckpt": os.path.relpath(os.path.abspath(a.ckpt), ROOT), "style": a.style, "row": i}}, a.out)
    print(f"{a.out}: {a.style} (row {i}) of {a.ckpt} at step {ck.get('state', {}).get('step')}")


if __name__ == "__main__":
    main()
