#!/usr/bin/env bash
# Curriculum ablation (paper-style table): variants at equal total latent size (192) and curriculum stages on/off,
# 3 seeds each, every model evaluated in the mode it was trained for; a2s compare verdicts against the full model.
# See experiments/curriculum-ablation/README.md. Run from the repository root:
#   MANIFEST=data/demo/data/manifest.json bash experiments/curriculum-ablation/run.sh     # after `npm run demo` (data)
#   MANIFEST=<band-audio or 50-song manifest> OUT=data/ablations/curriculum-band bash experiments/curriculum-ablation/run.sh
# Optional: TRAIN_MANIFEST (train on this manifest, test on MANIFEST's test split, e.g. a held-out-soundfont
# rendering of the same test songs, see configs/pop909-band.json), FEATURES / TEST_FEATURES (feature cache folders
# for training / prediction), JOBS (cells at a time; > 1 gives each training run one worker thread).
# Resumable: finished cells and finished training runs are skipped.
set -euo pipefail
E=experiments/curriculum-ablation
MANIFEST=${MANIFEST:-data/demo/data/manifest.json}
OUT=${OUT:-data/ablations/curriculum}
TRAIN_MANIFEST=${TRAIN_MANIFEST:-$MANIFEST}
FEATURES=${FEATURES:-}
TEST_FEATURES=${TEST_FEATURES:-$FEATURES}
JOBS=${JOBS:-1}
RESULTS=${RESULTS:-$E/results}
mkdir -p "$RESULTS"
A2S="node packages/cli/bin/a2s.mjs"
# the matrix with this manifest and output folder (the training runs live in $OUT/runs)
node -e '
const fs = require("fs");
const [src, dst, manifest, out, trainManifest, features, testFeatures, jobs] = process.argv.slice(1);
const m = JSON.parse(fs.readFileSync(src, "utf8"));
m.manifest = manifest; m.outDir = out;
const trainExtra = ` --manifest ${trainManifest}` + (features ? ` --feature-cache ${features}` : "") + (Number(jobs) > 1 ? " --workers 1" : "");
const predictExtra = testFeatures ? ` --feature-cache ${testFeatures}` : "";
for (const s of m.systems) {
  if (!s.command) continue;
  s.command = s.command.replaceAll("data/ablations/curriculum/runs", out + "/runs")
    .replaceAll("{args} --manifest {manifest}", "{args}" + trainExtra)
    .replaceAll("--manifest {manifest} --split", "--manifest {manifest}" + predictExtra + " --split");
}
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(dst, JSON.stringify(m, null, 2) + "\n");
' $E/matrix.json $OUT/matrix.json "$MANIFEST" "$OUT" "$TRAIN_MANIFEST" "$FEATURES" "$TEST_FEATURES" "$JOBS"
$A2S ablate --matrix $OUT/matrix.json --jobs "$JOBS"
# paired verdicts (bootstrap over songs, margin 0.02): every 3a variant against the full model's 3a, the
# supervised baselines against it too, every 3b variant against the full model's 3b
C=()
for v in nochd full-no-warmup full-no-pretrain full-no-curriculum full-bandmask-as-run full-input-piano full-aux-reference; do C+=(--candidate a2s-3a/$v); done
$A2S compare --metrics $OUT --baseline a2s-3a/full "${C[@]}" --candidate a2s-sup/supervised --candidate a2s-sup/supervised-kl --out $RESULTS/compare-3a.json | tee $RESULTS/compare-3a.md
C=()
for v in nochd full-no-warmup full-no-pretrain full-no-curriculum full-bandmask-as-run full-input-piano full-aux-reference; do C+=(--candidate a2s-3b/$v); done
$A2S compare --metrics $OUT --baseline a2s-3b/full "${C[@]}" --candidate a2s-3a/full --out $RESULTS/compare-3b.json | tee $RESULTS/compare-3b.md
cp $OUT/summary.json $RESULTS/summary.json
