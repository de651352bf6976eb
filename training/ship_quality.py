"""Ship "Best quality" per style, only where issue 12's rule holds for it.

    /usr/bin/python3 training/ship_quality.py --check starry-night the-kiss    # score and judge only
    /usr/bin/python3 training/ship_quality.py starry-night the-kiss            # judge, then export into models/

For each style it takes RUN_ROOT/<id>/ckpt.pt (default training/runs/grow: the quality nets grown
from Fast by training/grow.py and fine-tuned by training/grow_run.sh; `--ckpt ID=PATH` for another),
scores it with the critic (training/critic.py: layers no training loss uses) and video flicker
(training/flicker.py, ski.mov), and judges it:
  - style distance at most half of the quality file shipped before issue 12 (training/critic-baseline.json,
    frozen) -- the issue's ship bar for the tier;
  - content distance at most CONTENT_SLACK x that file's (the photo stays as readable);
  - style distance *below* the style's shipped Fast file (training/critic-shipped.json): "Best quality
    must beat Fast on the critic for every style, or it is not offered for that style";
  - the run reached the step it was started for.
A style that passes is exported as its own entry `<id>-hq` (task style, tier quality; the app keeps it
out of the gallery and runs it for Best quality, src/features/style/models.ts), graph rewritten
(scripts/optimize-style-graphs.py) and shipped as the fp32 file alone (7 MB; an fp16-only file
cannot open on WebGPU without shader-f16, and fp32 + fp16 would be 10.5 MB per style in the offline
install). Styles that fail keep what they have (no Best quality, or the multi-style quality model
where the critic lets it win) and are printed as such. Exits 1 when a named style fails.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from checkpoint import write_json  # noqa: E402
from ship_realtime import CONTENT_SLACK, ckpt_overrides, export_style, judge, realtime_ids, refresh_manifest, score_ckpts  # noqa: E402


def judge_quality(score, base_quality, fast, step, target):
    """(passed, reasons): the tier's ship rule against the old quality file, and beating Fast."""
    ok, reasons = judge(score, base_quality, step, target)
    if fast is not None and not score["style"] < fast["style"]:
        reasons.append(f"style {score['style']:.3f} does not beat Fast's {fast['style']:.3f}")
    return not reasons, reasons


def keep_fp32_only(models_dir, sid):
    """Drop the fp16 file and variant of `<sid>-hq`: the fp32 file runs on both backends.

    An fp16-only file was tried first (half the bytes, and WASM runs it): WebGPU without the
    shader-f16 feature cannot open it ("Program Transpose requires f16"), and pickVariant has no
    fp32 to fall back to, so Best quality failed on such GPUs (SwiftShader among them)."""
    path = os.path.join(models_dir, "manifest.json")
    manifest = json.load(open(path))
    entry = next(m for m in manifest["models"] if m["id"] == f"{sid}-hq")
    fp16 = next(v for v in entry["variants"] if v["name"] == "fp16")
    os.remove(os.path.join(models_dir, fp16["file"]))
    entry["variants"] = [v for v in entry["variants"] if v["name"] == "fp32"]
    entry["preferred"] = {"webgpu": "fp32", "wasm": "fp32"}
    entry["recipe"]["int8"] = "not built for quality files (Best quality is opt-in and slow anyway; quantize_int8.py could measure one)"
    entry["recipe"]["fp32Only"] = ("shipped as fp32 alone: one file that every WebGPU device and WASM can run, "
                                   f"instead of fp32 + fp16 (the fp16 file was within {fp16.get('maxAbsDiffVsFp32')} of it)")
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return next(v for v in entry["variants"] if v["name"] == "fp32")["file"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("ids", nargs="+", help="style ids to judge (and ship)")
    p.add_argument("--run-root", default=os.path.join(HERE, "runs", "grow"))
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--baseline", default=os.path.join(HERE, "critic-baseline.json"))
    p.add_argument("--shipped-critic", default=os.path.join(HERE, "critic-shipped.json"))
    p.add_argument("--ckpt", nargs="+", default=[], metavar="ID=PATH", help="a style's checkpoint, instead of RUN_ROOT/<id>/ckpt.pt")
    p.add_argument("--scores", help="figures from an earlier run of this script (--json), instead of scoring again")
    p.add_argument("--json", help="write the figures here")
    p.add_argument("--check", action="store_true", help="judge only; change nothing")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)

    known = realtime_ids(a.models_dir)
    unknown = sorted(set(a.ids) - set(known))
    if unknown:
        p.error(f"no realtime style {', '.join(unknown)} in {a.models_dir}")
    paths = {sid: os.path.join(a.run_root, sid, "ckpt.pt") for sid in a.ids}
    ckpt_overrides(p, a.ckpt, paths)
    base = json.load(open(a.baseline))["shipped"]
    fast = {sid: r.get("realtime") for sid, r in json.load(open(a.shipped_critic))["shipped"].items()}
    present = {sid: pth for sid, pth in paths.items() if os.path.exists(pth)}
    scores = json.load(open(a.scores)) if a.scores else score_ckpts(present, a.threads)
    scores = {sid: r for sid, r in scores.items() if sid in paths and r.get("ckpt") == os.path.relpath(paths[sid], ROOT)}
    if a.json:
        write_json(a.json, scores)
    print("| id | step | style (bar; Fast) | content (limit) | flicker (Fast's) | verdict |\n| --- | --- | --- | --- | --- | --- |")
    flick_path = os.path.join(HERE, "flicker-shipped.json")
    fast_flicker = json.load(open(flick_path)) if os.path.exists(flick_path) else {}
    passed, failed = [], []
    for sid in a.ids:
        if sid not in scores:
            failed.append(sid)
            print(f"| {sid} | | | | | no figures: {os.path.relpath(paths[sid], ROOT)} {'not scored' if os.path.exists(paths[sid]) else 'does not exist'} |")
            continue
        r, b = scores[sid], base[sid]["quality"]
        ok, reasons = judge_quality(r["score"], b, fast.get(sid), r["step"], r["target"])
        (passed if ok else failed).append(sid)
        print(f"| {sid} | {r['step']} | {r['score']['style']:.3f} ({b['style'] / 2:.3f}; {fast[sid]['style']:.3f}) | "
              f"{r['score']['content']:.3f} ({b['content'] * CONTENT_SLACK:.3f}) | {r.get('flicker', float('nan')):.2f} "
              f"({fast_flicker.get(sid, float('nan')):.2f}) | {'ships' if ok else '; '.join(reasons)} |")
    if a.check or not passed:
        print(f"{len(passed)} of {len(a.ids)} pass" + ("; rerun without --check to export them" if a.check and passed else ""))
        return 1 if failed else 0
    changed = []
    for sid in passed:
        export_style(paths[sid], sid, a.models_dir, a.threads, suffix="hq")
        changed.append(keep_fp32_only(a.models_dir, sid))
    refresh_manifest(a.models_dir, set(changed))
    md = os.path.relpath(a.models_dir, ROOT)
    md = md if not md.startswith("..") else os.path.abspath(a.models_dir)
    print(f"shipped Best quality for {', '.join(passed)} into {md}" + (f"; {', '.join(failed)} fail and keep what they have" if failed else "") + ". Then:\n"
          f"  /usr/bin/python3 training/critic.py --shipped --models-dir {md} --json training/critic-shipped.json\n"
          f"  /usr/bin/python3 training/critic.py --to-manifest --models-dir {md}\n"
          f"  /usr/bin/python3 training/contact_sheet.py --tiers --models-dir {md}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
