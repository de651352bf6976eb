"""Manifest facts about ONNX files on disk (bytes, sha256, op types), kept free of torch so the
int8 quantiser and the shipping scripts share one copy without loading the training stack."""
import hashlib
import os

import onnx


def file_info(path, models_dir):
    data = open(path, "rb").read()
    return {"file": os.path.relpath(path, models_dir), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def op_list(path):
    """Every op type in the file's graph, its subgraphs' (If branches) too."""
    ops = set()

    def walk(graph):
        for node in graph.node:
            ops.add(node.op_type)
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)
                for g in attr.graphs:
                    walk(g)
    walk(onnx.load(path).graph)
    return sorted(ops)


def entry_onnx_ops(entry, models_dir):
    """The recipe's onnxOps of a manifest entry: every op in its local files, as they are on disk."""
    local = [v for v in entry.get("variants", []) if not v["file"].startswith("http")]
    return sorted({op for v in local for op in op_list(os.path.join(models_dir, v["file"]))})
