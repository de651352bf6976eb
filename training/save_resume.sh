#!/bin/sh
# Keep the long runs' resume checkpoints in the repository: training/runs is git-ignored, and a session
# that starts from a fresh clone would otherwise start every run over. Copies each
# training/runs/long/**/ckpt.pt (net + optimiser + step, ~2 MB realtime, ~20 MB quality) to the same
# place under training/resume/; long_run.sh seeds an empty run dir from there. Commit training/resume.
#   sh training/save_resume.sh            (after stopping the runs: pkill -TERM -f training/train.py)
cd "$(dirname "$0")/.." || exit 1
# Per-style pushes under training/runs/ft too, with the frozen base checkpoints they were started from
# (--base, and trunk_ft.sh's row.pt; resume one with `mkdir -p training/runs && cp -rn training/resume/ft training/runs/` and its command).
{ find training/runs/long training/runs/ft -name ckpt.pt 2>/dev/null; find training/runs/ft -maxdepth 1 -name '*.pt' 2>/dev/null; find training/runs/ft -mindepth 2 -maxdepth 2 -name row.pt 2>/dev/null; } | while read -r f; do
  dest="training/resume/${f#training/runs/}"
  mkdir -p "$(dirname "$dest")" && cp "$f" "$dest" && echo "kept $dest ($(du -k "$dest" | cut -f1) KB)"
done
