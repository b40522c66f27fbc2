#!/usr/bin/env bash
# Texture control (a2s arrange/predict --texture): does a dense vs a sparse reference score move the
# arrangement's density and rhythm toward the reference while chord accuracy against the audio holds?
# See experiments/texture-control/README.md. Run from the repository root:
#   bash experiments/texture-control/run.sh            # data (demo fixtures), train, predict, eval, stats
# Environment: OUT (default data/texture-control), TEMPERATURE (default 1), SEED (default 0).
set -euo pipefail
OUT=${OUT:-data/texture-control}
T=${TEMPERATURE:-1}
SEED=${SEED:-0}
E=experiments/texture-control
A2S="node packages/cli/bin/a2s.mjs"
M=$OUT/data/manifest.json
[[ -f $M ]] || $A2S data build --config configs/demo/dataset.json --pop909 data/fixtures/pop909 --out $OUT/data --no-progress
[[ -d $OUT/features ]] || $A2S features build --config configs/demo/features.json --manifest $M --cache $OUT/features
[[ -f $OUT/refs/dense.mid ]] || npx tsx $E/make-references.ts $OUT/refs
# the reference stage graph, short: warm-up 150, pre-train 50, then drop-score 30 and autoregressive 50 (both from pre-training)
if ! node -e 'const j=require(process.argv[1]);process.exit(j.position.stage==="autoregressive"&&j.position.stageDone?0:1)' "$PWD/$OUT/train/checkpoints/latest.json" 2>/dev/null; then
  if [[ -f $OUT/train/checkpoints/latest.json ]]; then
    $A2S train --config $E/train.json --manifest $M --run-dir $OUT/train --feature-cache $OUT/features --resume
  else
    $A2S train --config $E/train.json --manifest $M --run-dir $OUT/train --feature-cache $OUT/features
  fi
fi
P=()
predict() { # name, extra args
  local name=$1; shift
  rm -rf $OUT/pred-$name
  $A2S predict --run $OUT/train --manifest $M --split test --feature-cache $OUT/features --temperature $T --seed $SEED --out $OUT/pred-$name --name $name "$@"
  P+=(--predictions $OUT/pred-$name)
}
# the autoregressive branch in its own mode, and with each reference as z_sym
predict ar --stage autoregressive --mode autoregressive
predict ar-dense --stage autoregressive --texture $OUT/refs/dense.mid
predict ar-sparse --stage autoregressive --texture $OUT/refs/sparse.mid
# the pre-trained model (trained with a score input: it can only be decoded with one)
predict pre-dense --stage pretrain --texture $OUT/refs/dense.mid
predict pre-sparse --stage pretrain --texture $OUT/refs/sparse.mid
# the drop-score branch in its own mode, for reference
predict drop --stage dropscore --mode independent
rm -rf $OUT/eval
$A2S eval "${P[@]}" --manifest $M --split test --out $OUT/eval
cp $OUT/eval/summary.json $E/summary.json
npx tsx $E/texture-stats.ts --manifest $M --refs $OUT/refs --json $E/texture-stats.json $OUT/pred-ar $OUT/pred-ar-dense $OUT/pred-ar-sparse $OUT/pred-pre-dense $OUT/pred-pre-sparse $OUT/pred-drop | tee $E/texture-stats.md
# paired comparisons against the autoregressive branch in its own mode (chord accuracy must hold)
$A2S compare --metrics $OUT/eval --baseline ar/full --candidate ar-dense/full --candidate ar-sparse/full --margin 0.05 --out $E/compare-ar.json | tee $E/compare-ar.md
