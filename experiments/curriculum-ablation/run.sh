#!/usr/bin/env bash
# Curriculum ablation (paper-style table): variants at equal total latent size (192) and curriculum stages on/off,
# 3 seeds each, every model evaluated in the mode it was trained for; a2s compare verdicts against the full model.
# See experiments/curriculum-ablation/README.md. Run from the repository root:
#   MANIFEST=data/demo/data/manifest.json bash experiments/curriculum-ablation/run.sh     # after `npm run demo` (data)
#   MANIFEST=<band-audio or 50-song manifest> OUT=data/ablations/curriculum-band bash experiments/curriculum-ablation/run.sh
# Resumable: finished cells and finished training runs are skipped.
set -euo pipefail
E=experiments/curriculum-ablation
MANIFEST=${MANIFEST:-data/demo/data/manifest.json}
OUT=${OUT:-data/ablations/curriculum}
A2S="node packages/cli/bin/a2s.mjs"
# the matrix with this manifest and output folder (the training runs live in $OUT/runs)
node -e '
const fs = require("fs");
const [src, dst, manifest, out] = process.argv.slice(1);
const m = JSON.parse(fs.readFileSync(src, "utf8"));
m.manifest = manifest; m.outDir = out;
for (const s of m.systems) if (s.command) s.command = s.command.replaceAll("data/ablations/curriculum/runs", out + "/runs");
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(dst, JSON.stringify(m, null, 2) + "\n");
' $E/matrix.json $OUT/matrix.json "$MANIFEST" "$OUT"
$A2S ablate --matrix $OUT/matrix.json --jobs 1
# paired verdicts (bootstrap over songs, margin 0.02): every 3a variant against the full model's 3a, the
# supervised baselines against it too, every 3b variant against the full model's 3b
C=()
for v in nochd full-no-warmup full-no-pretrain full-no-curriculum full-bandmask-as-run; do C+=(--candidate a2s-3a/$v); done
$A2S compare --metrics $OUT --baseline a2s-3a/full "${C[@]}" --candidate a2s-sup/supervised --candidate a2s-sup/supervised-kl --out $E/compare-3a.json | tee $E/compare-3a.md
C=()
for v in nochd full-no-warmup full-no-pretrain full-no-curriculum full-bandmask-as-run; do C+=(--candidate a2s-3b/$v); done
$A2S compare --metrics $OUT --baseline a2s-3b/full "${C[@]}" --candidate a2s-3a/full --out $E/compare-3b.json | tee $E/compare-3b.md
cp $OUT/summary.json $E/summary.json
