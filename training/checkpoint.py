"""Resumable runs, shared by train.py and distill.py: atomic checkpoints, resuming one, and a clean
stop on SIGTERM / Ctrl-C; and the JSON results critic.py and flicker.py write."""
import json
import os
import shutil
import signal
import sys
import time

import torch


def save_atomic(path, payload):
    """torch.save through a temporary file: a kill mid-save never corrupts the last checkpoint."""
    tmp = path + ".tmp"
    torch.save(payload, tmp)
    os.replace(tmp, path)


def resume(ck, net, opt):
    """Loads checkpoint `ck`'s net and optimiser (when there is one); returns its progress
    (step, seconds, history), or a fresh one."""
    if not ck:
        return dict(step=0, seconds=0.0, history=[])
    net.load_state_dict(ck["net"])
    opt.load_state_dict(ck["opt"])
    return ck["state"]


def stop_on_signals():
    """A list that receives "SIGTERM" (kill PID) or "Ctrl-C": the training loop checks it and ends
    with a checkpoint instead of losing the minutes since the last one."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: stop.append("Ctrl-C"))
    return stop


def after_step(save, ckpt_path, step, snapshot_every, ckpt_minutes, last_save):
    """Saves every `ckpt_minutes`, and keeps a copy as ckpt-<step>.pt every `snapshot_every` steps
    (0: none). Returns when the checkpoint was last saved."""
    if snapshot_every and step % snapshot_every == 0:
        save()
        shutil.copyfile(ckpt_path, os.path.join(os.path.dirname(ckpt_path), f"ckpt-{step}.pt"))
        return time.time()
    if time.time() - last_save > ckpt_minutes * 60:
        save()
        return time.time()
    return last_save


INTERRUPTED = 130  # exit code after SIGTERM / Ctrl-C: checkpoint kept, rerun to resume (scripts/train.mjs knows it)


def finish(save, stop, step, ckpt_path):
    """The last save; after a stop signal, says how to resume and exits with INTERRUPTED."""
    save()
    if stop:
        print(f"stopped ({stop[0]}) at step {step}; checkpoint saved: {ckpt_path}. "
              "Rerun the same command to resume.", flush=True)
        sys.exit(INTERRUPTED)


def write_json(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
