"""Writes random-weight ONNX stand-ins for style tiers that have no trained model in the manifest yet.

    /usr/bin/python3 bench/make_standins.py OUT_DIR quality [realtime]

Same architecture (training/transform_net.py TIERS) and the same export path (training/export_onnx.py:
export_fp32) as the trained models; a conv net's speed does not depend on its weight values, so the
bench can time a tier before its training has finished. Weights are seeded, the files deterministic.
"""
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "training"))
from export_onnx import export_fp32  # noqa: E402
from transform_net import TIERS, TransformNet  # noqa: E402


def main(out_dir, tiers):
    os.makedirs(out_dir, exist_ok=True)
    for tier in tiers:
        path = os.path.join(out_dir, f"{tier}.fp32.onnx")
        if os.path.exists(path):
            continue
        torch.manual_seed(0)
        net = TransformNet(1, **TIERS[tier])
        with torch.no_grad():
            for p in net.parameters():
                p.normal_(0, 0.05)
        export_fp32(net.bake([1.0]), path)
        print(path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
