"""Ship a retrained realtime tier, but only if issue 12's ship rule holds for every style.

    /usr/bin/python3 training/ship_realtime.py --check            # score and judge only, change nothing
    /usr/bin/python3 training/ship_realtime.py                    # judge, then export into models/
    /usr/bin/python3 training/ship_realtime.py --models-dir /tmp/m --check   # a copy of models/ (dry run)

For each realtime style in the manifest it takes RUN_ROOT/<id>/ckpt.pt (default
training/runs/long/mixed512, the winner's long run), scores the checkpoint with the critic
(training/critic.py: layers no training loss uses) and judges it against the files shipped before
issue 12 (training/critic-baseline.json, a frozen copy of that day's critic-shipped.json, so the bar
does not move once new files ship):
  - style distance at most half of the baseline file's (the issue's ship bar);
  - content distance at most CONTENT_SLACK x the baseline file's (the photo stays as readable as
    today's; look at the contact sheet too: people, boats and trees must still be readable);
  - the checkpoint reached the step its run was started for (a half-trained net is not shipped);
  - video flicker (training/flicker.py on ski.mov) is reported beside the baseline file's
    (training/flicker-baseline.json); with --strict-flicker a style above it fails too. Not a blocker by
    default: the issue's ship rule is the painting's look, and sharper strokes flicker more (the
    stability loss and the polish take most of that back; the table says where they do not).
With --polished it takes RUN_ROOT/<id>/polish/ckpt.pt, the short high-stability fine-tune
long_run.sh runs after the main steps with POLISH_STEPS (README "Polish"); `--ckpt ID=PATH` takes a
style's checkpoint from a per-style run instead (e.g. a style-weight push that got it under its bar).
A tier ships only when every style passes; the script prints the table either way and exits 1 when
something fails. `--leave-out ID ...` names styles that stay out of the new tier and keep the file they
ship today (the issue: "if a style cannot get there, leave it out and say so"); they are scored and
printed but neither block nor get exported. `--keep ID ...` names styles whose new-tier file already
ships: they are judged on that file's own figures (training/critic-shipped.json, flicker-shipped.json,
from `critic.py --shipped` / `flicker.py --shipped`) and not re-exported, so a later style can ship
without the checkpoints of the earlier ones (training/runs is not in the repository). When all pass it exports each style (export_onnx.py --only), rewrites the graphs
(scripts/optimize-style-graphs.py --in-place, same output, ~20 % faster on WASM), refreshes the
manifest's bytes/sha256 for the rewritten files, and prints the follow-up commands (contact sheets,
flicker, the critic into the manifest). Then it rebuilds the Blend model from the styles' files
(export_blend_outputs.py --check) and measures the exported styles' int8 variants (quantize_int8.py
--only: shipped only within its tolerance; the export drops a style's earlier int8 entry, so an old
int8 file never stays beside a new fp32 one); it never touches the quality tier.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from checkpoint import write_json  # noqa: E402
from onnx_files import entry_onnx_ops, file_info  # noqa: E402

CONTENT_SLACK = 1.15
PY = sys.executable


def realtime_ids(models_dir):
    models = json.load(open(os.path.join(models_dir, "manifest.json")))["models"]
    return [m["id"] for m in models if m.get("task") == "style" and m.get("style", {}).get("tier") == "realtime"]


def judge(score, base, step, target, flicker=None, base_flicker=None):
    """(passed, reasons) for one style: `score`/`base` are critic figures {style, content}; pass
    flicker figures to hold flicker to the baseline too."""
    reasons = []
    if flicker is not None and base_flicker is not None and flicker > base_flicker:
        reasons.append(f"flicker {flicker:.2f} > {base_flicker:.2f}")
    if step < target:
        reasons.append(f"at step {step} of {target}")
    if score["style"] > base["style"] / 2:
        reasons.append(f"style {score['style']:.3f} > bar {base['style'] / 2:.3f}")
    if score["content"] > base["content"] * CONTENT_SLACK:
        reasons.append(f"content {score['content']:.3f} > {base['content'] * CONTENT_SLACK:.3f}")
    return not reasons, reasons


def score_ckpts(paths, threads):
    import torch
    from critic import Critic, ckpt_outputs, photos, score_outputs
    torch.set_num_threads(threads)
    from data import CLIPS
    from flicker import flicker, frames
    critic, xs, clip = Critic(), photos(), frames(CLIPS[0], 100)
    out = {}
    for sid, path in paths.items():
        outs, args, state = ckpt_outputs(path, xs, 0)
        video, _, _ = ckpt_outputs(path, clip, 0)
        out[sid] = dict(score=score_outputs(critic, outs, xs, args["styles"][0]), flicker=flicker(video, clip),
                        step=state["step"], target=args.get("steps", 0), ckpt=os.path.relpath(path, ROOT))
        print(f"{sid}: {json.dumps(out[sid])}", flush=True)
    return out


def refresh_manifest(models_dir, files):
    """bytes/sha256 of `files` (paths relative to models_dir) in the manifest, and the recipe's
    onnxOps of their entries (every op in the entry's files, as rewritten: the graph rewrite swaps
    Resize for DepthToSpace/Slice/Concat); nothing else touched."""
    path = os.path.join(models_dir, "manifest.json")
    manifest = json.load(open(path))
    for m in manifest["models"]:
        local = [v for v in m.get("variants", []) if not v["file"].startswith("http")]
        for v in local:
            if v["file"] in files:
                v.update(file_info(os.path.join(models_dir, v["file"]), models_dir))
        if "onnxOps" in m.get("recipe", {}) and any(v["file"] in files for v in local):
            m["recipe"]["onnxOps"] = entry_onnx_ops(m, models_dir)
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def ckpt_overrides(parser, pairs, paths):
    """Apply `--ckpt ID=PATH` pairs to `paths` ({id: checkpoint}); an unknown id is a usage error."""
    for pair in pairs:
        sid, _, pth = pair.partition("=")
        if sid not in paths or not pth:
            parser.error(f"--ckpt {pair}: expected ID=PATH with one of the styles judged here")
        paths[sid] = pth


def export_style(ckpt, sid, models_dir, threads, suffix="rt"):
    """Export one style of `ckpt` (export_onnx.py --only) and rewrite its fp32/fp16 graphs in place
    (scripts/optimize-style-graphs.py); returns the two files, relative to models_dir."""
    subprocess.run([PY, os.path.join(HERE, "export_onnx.py"), "--ckpt", ckpt, "--meta", os.path.join(HERE, "styles.json"),
                    "--models-dir", models_dir, "--only", sid, "--threads", str(threads)], check=True)
    files = [f"style/{sid}.{suffix}.fp32.onnx", f"style/{sid}.{suffix}.fp16.onnx"]
    subprocess.run([PY, os.path.join(ROOT, "scripts", "optimize-style-graphs.py"), "--in-place",
                    *[os.path.join(models_dir, f) for f in files]], check=True)
    return files


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-root", default=os.path.join(HERE, "runs", "long", "mixed512"))
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--polished", action="store_true", help="ship RUN_ROOT/<id>/polish/ckpt.pt (the stability fine-tune)")
    p.add_argument("--baseline", default=os.path.join(HERE, "critic-baseline.json"))
    p.add_argument("--flicker-baseline", default=os.path.join(HERE, "flicker-baseline.json"))
    p.add_argument("--scores", help="critic figures from an earlier run of this script (--json), instead of scoring again")
    p.add_argument("--json", help="write the figures here")
    p.add_argument("--check", action="store_true", help="judge only; change nothing")
    p.add_argument("--strict-flicker", action="store_true", help="a style whose flicker is above its baseline file's fails")
    p.add_argument("--ckpt", nargs="+", default=[], metavar="ID=PATH",
                   help="a style's checkpoint from a per-style run (e.g. a style-weight push), instead of RUN_ROOT/<id>")
    p.add_argument("--leave-out", nargs="+", default=[], metavar="ID", help="styles that keep today's file (said in the table)")
    p.add_argument("--keep", nargs="+", default=[], metavar="ID",
                   help="styles whose new file already ships: judged on critic-shipped.json/flicker-shipped.json, not re-exported")
    p.add_argument("--shipped-critic", default=os.path.join(HERE, "critic-shipped.json"))
    p.add_argument("--shipped-flicker", default=os.path.join(HERE, "flicker-shipped.json"))
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)

    all_ids = realtime_ids(a.models_dir)
    unknown = sorted(set(a.leave_out) - set(all_ids))
    if unknown:
        p.error(f"--leave-out: no realtime style {', '.join(unknown)}")
    unknown = sorted(set(a.keep) - set(all_ids)) or sorted(set(a.keep) & set(a.leave_out))
    if unknown:
        p.error(f"--keep: not a realtime style, or also left out: {', '.join(unknown)}")
    ids = [sid for sid in all_ids if sid not in a.leave_out and sid not in a.keep]
    base = json.load(open(a.baseline))["shipped"]
    base_flicker = json.load(open(a.flicker_baseline))
    paths = {sid: os.path.join(a.run_root, sid, *(["polish"] if a.polished else []), "ckpt.pt") for sid in all_ids}
    ckpt_overrides(p, a.ckpt, paths)
    for sid in a.keep:  # the shipped file itself is what is judged
        paths[sid] = os.path.relpath(os.path.join(a.models_dir, "style", f"{sid}.rt.fp32.onnx"), ROOT)
    # Judging mid-run is useful (--check): styles without a checkpoint yet simply fail.
    present = {sid: pth for sid, pth in paths.items() if os.path.exists(pth) and sid not in a.keep}
    scores = json.load(open(a.scores)) if a.scores else score_ckpts(present, a.threads)
    # Figures of another checkpoint than the one that would ship do not count (an older --scores file).
    scores = {sid: r for sid, r in scores.items() if sid in paths and r.get("ckpt", os.path.relpath(paths[sid], ROOT)) == os.path.relpath(paths[sid], ROOT)}
    if a.keep:
        shipped, flick = json.load(open(a.shipped_critic))["shipped"], json.load(open(a.shipped_flicker))
        for sid in a.keep:  # a shipped file is a finished net: its step is its target
            scores[sid] = dict(score=shipped[sid]["realtime"], flicker=flick.get(sid), step=1, target=1, ckpt=paths[sid])
    if a.json:
        write_json(a.json, scores)
    print("| id | step | style (bar) | content (limit) | flicker (limit) | verdict |\n| --- | --- | --- | --- | --- | --- |")
    failed = []
    for sid in all_ids:
        out = sid in a.leave_out
        kept_file = " (its shipped file, kept)" if sid in a.keep else ""
        if sid not in scores:
            failed += [] if out else [sid]
            print(f"| {sid} | | | | | {'left out: keeps today' + chr(39) + 's file; ' if out else ''}no figures: {os.path.relpath(paths[sid], ROOT)} {'not scored' if os.path.exists(paths[sid]) else 'does not exist'} |")
            continue
        r, b = scores[sid], base[sid]["realtime"]
        strict = (r.get("flicker"), base_flicker.get(sid)) if a.strict_flicker else ()
        ok, reasons = judge(r["score"], b, r["step"], r["target"], *strict)
        warn = "" if r.get("flicker", 0) <= base_flicker.get(sid, 99) or a.strict_flicker else " (flickers more than today's)"
        failed += [] if ok or out else [sid]
        verdict = ('ships' + warn + kept_file if ok else '; '.join(reasons) + kept_file)
        verdict = f"left out: keeps today's file ({'would pass' if ok else verdict})" if out else verdict
        print(f"| {sid} | {'shipped' if sid in a.keep else r['step']} | {r['score']['style']:.3f} ({b['style'] / 2:.3f}) | "
              f"{r['score']['content']:.3f} ({b['content'] * CONTENT_SLACK:.3f}) | "
              f"{r.get('flicker', float('nan')):.2f} ({base_flicker.get(sid, float('nan')):.2f}) | {verdict} |")
    if failed:
        print(f"the tier does not ship: {', '.join(failed)} fail the rule (issue 12 ships a tier only when every style not left out passes)")
        return 1
    if a.check:
        print(f"every style {'not left out ' if a.leave_out else ''}passes; rerun without --check to export")
        return 0
    if not ids:
        p.error("every style is left out or kept: nothing to export")
    changed = []
    for sid in ids:
        changed += export_style(paths[sid], sid, a.models_dir, a.threads)
    refresh_manifest(a.models_dir, set(changed))
    subprocess.run([PY, os.path.join(HERE, "export_blend_outputs.py"), "--models-dir", a.models_dir, "--check"], check=True)
    subprocess.run([PY, os.path.join(HERE, "quantize_int8.py"), "--models-dir", a.models_dir, "--only", *ids], check=True)
    md = os.path.relpath(a.models_dir, ROOT)
    md = md if not md.startswith("..") else os.path.abspath(a.models_dir)
    kept = f"; {', '.join(a.leave_out)} keep today's files" if a.leave_out else ""
    kept += f"; {', '.join(a.keep)} keep their new files" if a.keep else ""
    print(f"shipped {len(ids)} styles into {md}{kept}. Then:\n"
          f"  /usr/bin/python3 training/flicker.py --shipped --models-dir {md} --json training/flicker-shipped.json\n"
          f"  /usr/bin/python3 training/critic.py --shipped --models-dir {md} --json training/critic-shipped.json\n"
          f"  /usr/bin/python3 training/critic.py --to-manifest --models-dir {md}\n"
          f"  /usr/bin/python3 training/contact_sheet.py --models-dir {md} && /usr/bin/python3 training/contact_sheet.py --tiers --models-dir {md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
