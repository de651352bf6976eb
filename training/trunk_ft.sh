#!/bin/sh
# A per-style fine-tune warm-started from the shared trunk's own row for that style (trunk_row.py),
# with the trunk's recipe (mixed512 layers, painting at 512 px, 192-384 px crops at 256, stability 20).
# For the styles whose Fast file the trunk alone leaves short of the issue-12 bar (seventeenth session).
#   sh training/trunk_ft.sh the-scream scream-sw10                       (resumable; niced, 1 thread)
#   SW=20 STEPS=600 THREADS=1 sh training/trunk_ft.sh the-scream scream-sw20
#   LAYERS="activation_1 activation_3 activation_5 mixed0 mixed1 mixed2 mixed3" STYLE_SIZE=768 sh training/trunk_ft.sh ...
#     (other style layers / painting scale; CONTENT_LAYER and CW, the content weight, too;
#      SHIFT=4: the stability copy is also moved by up to 4 px, see train.py --stability-shift;
#      SUBPIXEL=1 with it: moved by fractions of a pixel too, --stability-subpixel (kept on resume);
#      BASE=models/style/ID.rt.fp32.onnx: start from the shipped file instead of the trunk's row)
# Run dir training/runs/ft/NAME (seeded from training/resume/ft/NAME on a fresh checkout); snapshots
# every 100 steps; score one with
#   /usr/bin/python3 training/critic.py --ckpt training/runs/ft/NAME/ckpt-300.pt --json x.json --sheet x.png
cd "$(dirname "$0")/.." || exit 1
ID=${1:?style id, e.g. the-scream}
NAME=${2:?run name}
DIR=training/runs/ft/$NAME
TRUNK=${TRUNK:-training/runs/long/trunk-mixed512/ckpt.pt}
[ -f "$TRUNK" ] || TRUNK=training/resume/long/trunk-mixed512/ckpt.pt
mkdir -p "$DIR" || exit 1
# A fresh checkout: the run and its base row from training/resume (save_resume.sh keeps both).
for f in ckpt.pt row.pt; do
  [ -f "$DIR/$f" ] || [ ! -f "training/resume/ft/$NAME/$f" ] || cp "training/resume/ft/$NAME/$f" "$DIR/$f" || exit 1
done
# BASE= another start instead of the trunk's row: a checkpoint, or a shipped file (train.py chains its manifest recipe).
if [ -z "$BASE" ]; then
  [ -f "$DIR/row.pt" ] || /usr/bin/python3 training/trunk_row.py --ckpt "$TRUNK" --style "$ID" --out "$DIR/row.pt" || exit 1
  BASE=$DIR/row.pt
fi
file=$(/usr/bin/python3 -c "
import json, sys
print(next(m['file'] for m in json.load(open('training/styles.json')) if m['id'] == sys.argv[1]))" "$ID") || exit 1
exec nice -n 19 /usr/bin/python3 training/train.py --run-dir "$DIR" --styles "../shared/styles/$file" --base "$BASE" \
  --tier realtime --mode full --smooth none \
  --style-layers ${LAYERS:-activation_1 activation_3 activation_5 mixed0 mixed1 mixed2} --content-layer "${CONTENT_LAYER:-activation_5}" \
  --style-size "${STYLE_SIZE:-512}" --size 256 --crop-min 192 --crop-max 384 \
  --content-weight "${CW:-1}" --style-weight "${SW:-10}" --stability-weight "${STABILITY:-20}" --stability-shift "${SHIFT:-0}" $([ "${SUBPIXEL:-0}" = 0 ] || echo --stability-subpixel) \
  --lr "${LR:-0.0005}" --lr-end "${LR_END:-0.0002}" --steps "${STEPS:-600}" --threads "${THREADS:-1}" \
  --ckpt-minutes 3 --snapshot-every 100 --log-every 25
