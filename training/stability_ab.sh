#!/bin/sh
# Issue 12 part 4, stability A/B: fine-tune a finished long-run checkpoint (shallow256 recipe) for
# N more steps with the stability loss (Gupta et al. 2017, train.py --stability-weight W) and, as
# the control, the same N steps with W=0, so "more steps" is not mistaken for "more stable".
#   sh training/stability_ab.sh ID W [W...]    e.g. sh training/stability_ab.sh starry-night 0 20
#   N=300 (default) extra steps; runs in training/runs/stability/ID-wW (git-ignored, resumable)
# then: /usr/bin/python3 training/flicker.py --ckpt training/runs/stability/ID-w*/ckpt.pt
#       /usr/bin/python3 training/critic.py --ckpt training/runs/stability/ID-w*/ckpt.pt --sheet x.png
cd "$(dirname "$0")/.." || exit 1
id=$1; shift
src=training/runs/long/shallow256/$id/ckpt.pt
[ -f "$src" ] || { echo "no $src: run training/long_run.sh $id first" >&2; exit 1; }
file=$(/usr/bin/python3 -c "import json,sys; print(next(m['file'] for m in json.load(open('training/styles.json')) if m['id']==sys.argv[1]))" "$id") || exit 1
base=$(/usr/bin/python3 -c "import torch,sys; print(torch.load(sys.argv[1])['state']['step'])" "$src") || exit 1
for w in "$@"; do
  dir=training/runs/stability/$id-w$w
  mkdir -p "$dir"
  [ -f "$dir/ckpt.pt" ] || cp "$src" "$dir/ckpt.pt"
  [ -d "$dir/frames" ] || cp -r "$(dirname "$src")/frames" "$dir/frames" 2>/dev/null
  # the recipe (loss layers, painting scale, crops, weights) comes from the checkpoint; only W changes
  nice -n 19 /usr/bin/python3 training/train.py --run-dir "$dir" --styles "../shared/styles/$file" --tier realtime \
    --stability-weight "$w" --lr "${LR:-0.001}" --steps $((base + ${N:-300})) --threads 1 --ckpt-minutes 3 --log-every 25 \
    > "$dir.log" 2>&1 || exit $?
done
