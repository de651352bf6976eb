#!/bin/sh
# Issue 12's recipe search: short single-style runs of the realtime net on one painting, one at a
# time, niced, each in its own (git-ignored, resumable) run dir; scored afterwards by critic.py.
#   sh training/recipe_search.sh [run-name ...]     (no names: every run below, in order)
# Runs from the project root; ../shared beside it supplies the photos and paintings.
cd "$(dirname "$0")/.." || exit 1
S=../shared/styles
STEPS=${STEPS:-300}
THREADS=${THREADS:-1}
DEEP="--style-layers activation_3 activation_5 mixed0 mixed1 mixed2"
run() {  # name, painting, extra train.py args...
  name=$1; style=$2; shift 2
  [ -n "$ONLY" ] && case " $ONLY " in *" $name "*) ;; *) return ;; esac
  nice -n 19 /usr/bin/python3 training/train.py --run-dir "training/runs/search/$name" --styles "$S/$style" \
    --steps "$STEPS" --threads "$THREADS" --smooth none --ckpt-minutes 2 --log-every 50 "$@" \
    > "training/runs/search/$name.log" 2>&1
}
mkdir -p training/runs/search
ONLY="$*"
# one search run at a time besides the background long run: WAIT_PID=<pid> waits for that process first
if [ -n "$WAIT_PID" ]; then while kill -0 "$WAIT_PID" 2>/dev/null; do sleep 20; done; fi
# starting point (DESIGN.md "Known facts"): deeper style layers, content mixed0, painting at 384 px
run deep384-c1      starrynight.jpg $DEEP --content-layer mixed0 --style-size 384 --content-weight 1
# "add your own style" (issue 12 part 5): only the new style's norms on the shipped realtime blend
# net's frozen convs; Lady with an Ermine is the one painting that net never saw
run norm-ermine     ermine.jpg --mode norm --base models/style/blend.rt.fp32.onnx --lr 0.01 --log-every 25 --snapshot-every 50 --steps 200
run norm-klee       klee.jpg --mode norm --base models/style/blend.rt.fp32.onnx --lr 0.01 --log-every 25 --snapshot-every 50 --steps 200
run shipped256      starrynight.jpg --content-layer activation_5 --style-size 256 --content-weight 1
run deep512-c1      starrynight.jpg $DEEP --content-layer mixed0 --style-size 512 --content-weight 1
run deep384-c2-m1   starrynight.jpg $DEEP --content-layer mixed1 --style-size 384 --content-weight 2
run deeper384-c1    starrynight.jpg --style-layers activation_5 mixed0 mixed1 mixed2 mixed3 --content-layer mixed1 --style-size 384 --content-weight 1
run deep384-c1-kand kandinsky.jpg $DEEP --content-layer mixed0 --style-size 384 --content-weight 1
run shipped256-kand kandinsky.jpg --content-layer activation_5 --style-size 256 --content-weight 1
# learning-rate schedule: the shipped losses, lr 2e-3 decayed linearly to 2e-4 by the last step
run shipped256-lrdecay starrynight.jpg --content-layer activation_5 --style-size 256 --content-weight 1 --lr 0.002 --lr-end 0.0002
run deep384-c1-crop256 starrynight.jpg $DEEP --content-layer mixed0 --style-size 384 --content-weight 1 --size 256 --crop-min 192 --crop-max 384
# session 3 (hypotheses from the long run's plateau at 0.17-0.18):
# scale mismatch: the critic (and a user at 512 px) sees strokes at the painting's 512 px short side,
# the shipped recipe learns them at 256 px from 160 px crops; shipped layers, painting at 512 / 384 px,
# bigger crops (192-384 px squares resized to 256)
SHALLOW="--style-layers activation_1 activation_3 activation_5 mixed0 --content-layer activation_5 --content-weight 1"
BIGCROP="--size 256 --crop-min 192 --crop-max 384"
run shallow512-crop256 starrynight.jpg $SHALLOW --style-size 512 $BIGCROP
run shallow384-crop256 starrynight.jpg $SHALLOW --style-size 384 $BIGCROP
# the winner of those, on the hardest painting, and (capacity) the quality-tier net at equal wall
# time: 543 s of training is what shallow512-crop256 took for its 300 steps
run shallow512-crop256-kand kandinsky.jpg $SHALLOW --style-size 512 $BIGCROP
run quality512-crop256 starrynight.jpg --tier quality --lr 0.001 $SHALLOW --style-size 512 $BIGCROP --max-seconds 543
# both layer sets at once: fine statistics stay pinned (palette) while mixed1/mixed2 form strokes
MIXED="--style-layers activation_1 activation_3 activation_5 mixed0 mixed1 mixed2"
run mixed256-a5      starrynight.jpg $MIXED --content-layer activation_5 --style-size 256 --content-weight 1
run mixed384-a5      starrynight.jpg $MIXED --content-layer activation_5 --style-size 384 --content-weight 1
run mixed256-a5-sw30 starrynight.jpg $MIXED --content-layer activation_5 --style-size 256 --content-weight 1 --style-weight 30
run mixed256-m0      starrynight.jpg $MIXED --content-layer mixed0 --style-size 256 --content-weight 1
# the two gains together: both layer sets, painting at 512 px, the bigger crops
run mixed512-crop256 starrynight.jpg $MIXED --content-layer activation_5 --style-size 512 --content-weight 1 $BIGCROP
run mixed512-crop256-kand kandinsky.jpg $MIXED --content-layer activation_5 --style-size 512 --content-weight 1 $BIGCROP
# the user path end to end, timed: npm run train's defaults (norm mode) on 30 photos
if [ -z "$ONLY" ] || case " $ONLY " in *" npm-default "*) true ;; *) false ;; esac; then
  mkdir -p training/runs/npm-default/photos
  ls ../shared/datasets/bsds500/*.jpg | head -30 | xargs -I{} cp {} training/runs/npm-default/photos/
  start=$(date +%s)
  nice -n 19 node scripts/train.mjs --style "$S/klee.jpg" --name klee-own --content training/runs/npm-default/photos \
    --out-dir training/runs/npm-default/models --run-dir training/runs/npm-default/run --threads "$THREADS" \
    > training/runs/search/npm-default.log 2>&1
  echo "wall seconds: $(( $(date +%s) - start ))" >> training/runs/search/npm-default.log
fi
