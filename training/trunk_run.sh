#!/bin/sh
# One shared realtime trunk with the winning recipe, for "Add a style" (--mode norm freezes a
# multi-style net's convolutions and learns only a new painting's norms) and a future one-net Blend.
# Before it, the base was blend.rt.fp32.onnx, the first run's 8-style net, whose convolutions make the
# old, fine "tinted" texture (training/README.md "One trunk"). Export a snapshot as the base with
#   /usr/bin/python3 training/export_multistyle.py --ckpt DIR/ckpt-N.pt --base-out models/style/trunk.rt.fp32.onnx
# This trains the same 8 styles, in blend.styles order, with the per-style winner's losses (mixed512:
# style activation_1/3/5 + mixed0/1/2, content activation_5, painting at 512 px, 192-384 px crops
# resized to 256) and stability 20, warm-started from blend.rt (same styles, same order: its norms
# carry over). About 1,000 steps per style were needed by the per-style nets: STEPS default 8000.
#   sh training/trunk_run.sh            (resumable: run it again to continue; niced, 1 thread)
#   STEPS=8000 THREADS=2 sh training/trunk_run.sh
# Learning rate: linear from LR at step 0 to LR_END at STEPS, read from the command line on every
# resume. It started at 0.001 -> 0.0003; from step 1,569 (fourteenth session) 0.0005 -> 0.0002, after
# the snapshots at lr ~0.0009 went up and down (training/README.md): those are now the defaults.
# Run dir training/runs/long/trunk-mixed512 (seeded from training/resume/long/trunk-mixed512 on a
# fresh checkout; `sh training/save_resume.sh` keeps it there); a snapshot every 500 steps.
cd "$(dirname "$0")/.." || exit 1
S=../shared/styles
DIR=training/runs/long/trunk-mixed512
[ -f "$DIR/ckpt.pt" ] || [ ! -f "training/resume/long/trunk-mixed512/ckpt.pt" ] || {
  mkdir -p "$DIR" && cp training/resume/long/trunk-mixed512/ckpt.pt "$DIR/ckpt.pt" && echo "seeded $DIR from training/resume"; }
files=$(/usr/bin/python3 -c "
import json
ids = next(m for m in json.load(open('models/manifest.json'))['models'] if m['id'] == 'blend')['blend']['styles']
files = {m['id']: m['file'] for m in json.load(open('training/styles.json'))}
print(' '.join('$S/' + files[i] for i in ids))") || exit 1
# shellcheck disable=SC2086
exec nice -n 19 /usr/bin/python3 training/train.py --run-dir "$DIR" --styles $files --base models/style/blend.rt.fp32.onnx \
  --tier realtime --mode full --smooth none \
  --style-layers activation_1 activation_3 activation_5 mixed0 mixed1 mixed2 --content-layer activation_5 \
  --style-size 512 --size 256 --crop-min 192 --crop-max 384 \
  --content-weight 1 --style-weight 10 --stability-weight "${STABILITY:-20}" \
  --lr "${LR:-0.0005}" --lr-end "${LR_END:-0.0002}" --steps "${STEPS:-8000}" --threads "${THREADS:-1}" \
  --ckpt-minutes 3 --snapshot-every 500 --log-every 25
