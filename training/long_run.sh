#!/bin/sh
# Issue 12's long run: the 8 shipped styles in one realtime CIN net (the blend model's order),
# warm-started from the shipped blend net, with the recipe-search winner's losses (training/README.md,
# "Style fidelity"). Resumable: run this same command again to continue; every argument is kept in
# the checkpoint. Niced, 1 thread, checkpoint every 3 min and a snapshot every 250 steps.
#   sh training/long_run.sh            (from anywhere; ../shared must sit beside the project)
#   MAX_SECONDS=36000 sh training/long_run.sh   (stop after this much training time in total)
cd "$(dirname "$0")/.." || exit 1
S=../shared/styles
exec nice -n 19 /usr/bin/python3 training/train.py --run-dir training/runs/long-rt \
  --styles $S/starrynight.jpg $S/scream.jpg $S/kanagawa.jpg $S/kandinsky.jpg $S/klimt.jpg $S/monet.jpg $S/klee.jpg $S/turner.jpg \
  --tier realtime --mode full --base models/style/blend.rt.fp32.onnx --smooth none \
  --style-layers activation_3 activation_5 mixed0 mixed1 mixed2 --content-layer mixed0 \
  --style-size "${STYLE_SIZE:-384}" --content-weight 1 --style-weight 10 --lr "${LR:-0.001}" \
  --max-seconds "${MAX_SECONDS:-36000}" --threads "${THREADS:-1}" --ckpt-minutes 3 --snapshot-every 250 --log-every 25
