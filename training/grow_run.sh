#!/bin/sh
# Best quality by growing (training/grow.py): each style's Fast net, grown into the quality tier so it
# starts at Fast's picture, then every weight fine-tuned with the realtime winner's recipe (mixed512:
# style activation_1/3/5 + mixed0/1/2, content activation_5, painting at 512 px, 192-384 px crops
# resized to 256) and the polish's stability weight (100), at a decaying rate.
#   sh training/grow_run.sh starry-night the-kiss          (resumable: run it again to continue)
#   STEPS=300 sh training/grow_run.sh starry-night          (total steps; default 150)
#   LAYERS="... mixed3" STYLE_SIZE=768 CONTENT_LAYER=... DIR=training/runs/grow-m3 sh training/grow_run.sh starry-night   (other losses, own run dir)
# Source per style: SRC_<id with _ for -> if set (e.g. SRC_the_kiss=training/resume/ft/kiss-sw100/polish/ckpt.pt),
# else the shipped models/style/<id>.rt.fp32.onnx. Run dir training/runs/grow/<id> (seeded from
# training/resume/grow/<id> on a fresh checkout); a snapshot every 50 steps for the critic.
cd "$(dirname "$0")/.." || exit 1
S=../shared/styles
DIR=${DIR:-training/runs/grow}
LOSS="--style-layers ${LAYERS:-activation_1 activation_3 activation_5 mixed0 mixed1 mixed2} --content-layer ${CONTENT_LAYER:-activation_5} --style-size ${STYLE_SIZE:-512} --size 256 --crop-min 192 --crop-max 384"
for id in "$@"; do
  mkdir -p "$DIR/$id"
  R="training/resume/${DIR#training/runs/}/$id"
  [ -f "$DIR/$id/ckpt.pt" ] || [ ! -f "$R/ckpt.pt" ] || cp "$R/ckpt.pt" "$DIR/$id/ckpt.pt"
  var="SRC_$(echo "$id" | tr - _)"
  src=$(eval echo "\${$var:-models/style/$id.rt.fp32.onnx}")
  [ -f "$DIR/$id.pt" ] || [ -f "$DIR/$id/ckpt.pt" ] || /usr/bin/python3 training/grow.py --from "$src" --out "$DIR/$id.pt" || exit $?
  file=$(/usr/bin/python3 -c "import json,sys; print(next(m['file'] for m in json.load(open('training/styles.json')) if m['id']==sys.argv[1]))" "$id") || exit 1
  # shellcheck disable=SC2086
  nice -n 19 /usr/bin/python3 training/train.py --run-dir "$DIR/$id" --styles "$S/$file" --base "$DIR/$id.pt" \
    --tier quality --mode full --smooth none $LOSS --content-weight 1 --style-weight "${STYLE_W:-10}" --stability-weight "${STABILITY:-100}" \
    --lr "${LR:-0.001}" --lr-end "${LR_END:-0.0003}" --steps "${STEPS:-150}" --threads "${THREADS:-1}" \
    --ckpt-minutes 3 --snapshot-every 50 --log-every 10 || exit $?
done
