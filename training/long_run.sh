#!/bin/sh
# Issue 12's long run: one realtime net per painting (single-style nets beat the shipped 9-style
# net at equal steps per style; training/README.md "Recipe search"). Two recipes:
#   RECIPE=shallow256 (default): the shipped losses (style activation_1/3/5 + mixed0, content
#                      activation_5, painting at 256 px), one painting per net;
#   RECIPE=deep384:    style activation_3/5 + mixed0/1/2, content mixed0, painting at 384 px.
#   RECIPE=mixed512:   both layer sets (activation_1/3/5 + mixed0/1/2), content activation_5, painting
#                      at 512 px (the critic's scale), 192-384 px crops resized to 256: the third
#                      session's search winner (README "Recipe search"); use it with STABILITY=20.
# Resumable: run the same command again to continue (every argument is also kept in the
# checkpoint). Niced, 1 thread, checkpoint every 3 min, a snapshot every 250 steps for the critic.
#   sh training/long_run.sh starry-night [more ids...]     (from anywhere; ../shared beside the project)
#   STEPS=3000 RECIPE=deep384 sh training/long_run.sh starry-night   (total steps per style; default 1000:
#   the Starry Night runs plateaued on the critic by step 500-1000)
#   STABILITY=20 sh training/long_run.sh ...   adds the stability loss (--stability-weight; README
#   "Stability A/B": W=20 cut flicker 15-21 % at no cost in critic style distance). Default 0.
#   LR=0.002 LR_END=0.0005 sh training/long_run.sh ...   decays the rate linearly to LR_END by STEPS
#   (train.py --lr-end); unset: constant rate. Keep LR_END the same when resuming.
#   TIER=quality sh training/long_run.sh ...   the Best-quality net (c=32, k=9, 5 blocks: ~14 s/step beside two
#   realtime runs, about 3.5x a realtime step), run dir training/runs/long/<recipe>-quality/<id>.
#   POLISH_STEPS=100 POLISH_W=100 sh training/long_run.sh ...   after STEPS, a short fine-tune of every
#   weight with the stability weight raised (lr 0.0005, run dir <id>/polish): on Starry Night 100 steps at
#   W=100 took flicker 1.64 -> 1.48 (today's file 1.50) at the same critic style (README "Polish").
cd "$(dirname "$0")/.." || exit 1
S=../shared/styles
RECIPE=${RECIPE:-shallow256}
TIER=${TIER:-realtime}
DIR=training/runs/long/$RECIPE$([ "$TIER" = realtime ] || echo "-$TIER")
case $RECIPE in
  shallow256) LOSS="--style-layers activation_1 activation_3 activation_5 mixed0 --content-layer activation_5 --style-size 256" ;;
  deep384) LOSS="--style-layers activation_3 activation_5 mixed0 mixed1 mixed2 --content-layer mixed0 --style-size 384" ;;
  mixed512) LOSS="--style-layers activation_1 activation_3 activation_5 mixed0 mixed1 mixed2 --content-layer activation_5 --style-size 512 --size 256 --crop-min 192 --crop-max 384" ;;
  *) echo "RECIPE must be shallow256, deep384 or mixed512" >&2; exit 2 ;;
esac
# A fresh checkout has no training/runs (git-ignored): the checkpoints committed under training/resume
# by `sh training/save_resume.sh` seed the run dirs, so a run resumes across sessions and machines.
seed() {  # seed <run dir>
  [ -f "$1/ckpt.pt" ] || [ ! -f "training/resume/${1#training/runs/}/ckpt.pt" ] || {
    mkdir -p "$1" && cp "training/resume/${1#training/runs/}/ckpt.pt" "$1/ckpt.pt" && echo "seeded $1 from training/resume"; }
}
for id in "$@"; do
  seed "$DIR/$id"; seed "$DIR/$id/polish"
  file=$(/usr/bin/python3 -c "import json,sys; print(next(m['file'] for m in json.load(open('training/styles.json')) if m['id']==sys.argv[1]))" "$id") || exit 1
  # shellcheck disable=SC2086
  nice -n 19 /usr/bin/python3 training/train.py --run-dir "$DIR/$id" --styles "$S/$file" \
    --tier "$TIER" --mode full --smooth none $LOSS --content-weight 1 --style-weight 10 --stability-weight "${STABILITY:-0}" --lr "${LR:-0.001}" ${LR_END:+--lr-end "$LR_END"} \
    --steps "${STEPS:-1000}" --threads "${THREADS:-1}" --ckpt-minutes 3 --snapshot-every 250 --log-every 25 \
    || exit $?
  [ "${POLISH_STEPS:-0}" -gt 0 ] || continue
  # shellcheck disable=SC2086
  nice -n 19 /usr/bin/python3 training/train.py --run-dir "$DIR/$id/polish" --styles "$S/$file" \
    --base "$DIR/$id/ckpt.pt" --tier "$TIER" --mode full --smooth none $LOSS --content-weight 1 --style-weight 10 \
    --stability-weight "${POLISH_W:-100}" --lr 0.0005 --steps "$POLISH_STEPS" --threads "${THREADS:-1}" --ckpt-minutes 3 --log-every 25 \
    || exit $?
done
