#!/usr/bin/env bash
# Texture control (a2s arrange/predict --texture): does a dense vs a sparse reference score move the
# arrangement's density and rhythm toward the reference while chord accuracy against the audio holds?
# See experiments/texture-control/README.md. Run from the repository root:
#   bash experiments/texture-control/run.sh            # data (demo fixtures), train, predict, eval, stats
#   RUN=data/pop909-band/train M=data/pop909-band/data-heldout/manifest.json FEATURES=data/pop909-band/features-heldout \
#     OUT=data/texture-control-corpus RESULTS=corpus bash experiments/texture-control/run.sh   # an already trained run
# Environment: OUT (default data/texture-control), TEMPERATURE (default 1), SEED (default 0); RUN, M, FEATURES: a trained
# run folder with its test manifest and feature cache (no data build, no training); RESULTS: sub-folder of the results.
set -euo pipefail
OUT=${OUT:-data/texture-control}
T=${TEMPERATURE:-1}
SEED=${SEED:-0}
E=experiments/texture-control
R=$E${RESULTS:+/$RESULTS}
A2S="node packages/cli/bin/a2s.mjs"
mkdir -p $OUT $R
[[ -f $OUT/refs/dense.mid ]] || npx tsx $E/make-references.ts $OUT/refs
if [[ -z ${RUN:-} ]]; then
M=$OUT/data/manifest.json
FEATURES=$OUT/features
RUN=$OUT/train
[[ -f $M ]] || $A2S data build --config configs/demo/dataset.json --pop909 data/fixtures/pop909 --out $OUT/data --no-progress
[[ -d $OUT/features ]] || $A2S features build --config configs/demo/features.json --manifest $M --cache $OUT/features
# the reference stage graph, short: warm-up 150, pre-train 50, then drop-score 30 and autoregressive 50 (both from pre-training)
if ! node -e 'const j=require(process.argv[1]);process.exit(j.position.stage==="autoregressive"&&j.position.stageDone?0:1)' "$PWD/$OUT/train/checkpoints/latest.json" 2>/dev/null; then
  if [[ -f $OUT/train/checkpoints/latest.json ]]; then
    $A2S train --config $E/train.json --manifest $M --run-dir $OUT/train --feature-cache $OUT/features --resume
  else
    $A2S train --config $E/train.json --manifest $M --run-dir $OUT/train --feature-cache $OUT/features
  fi
fi
fi
P=()
predict() { # name, extra args
  local name=$1; shift
  rm -rf $OUT/pred-$name
  $A2S predict --run $RUN --manifest $M --split test --feature-cache $FEATURES --temperature $T --seed $SEED --out $OUT/pred-$name --name $name "$@"
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
cp $OUT/eval/summary.json $R/summary.json
npx tsx $E/texture-stats.ts --manifest $M --refs $OUT/refs --json $R/texture-stats.json $OUT/pred-ar $OUT/pred-ar-dense $OUT/pred-ar-sparse $OUT/pred-pre-dense $OUT/pred-pre-sparse $OUT/pred-drop | tee $R/texture-stats.md
# paired comparisons against the autoregressive branch in its own mode (chord accuracy must hold)
$A2S compare --metrics $OUT/eval --baseline ar/full --candidate ar-dense/full --candidate ar-sparse/full --margin 0.05 --out $R/compare-ar.json | tee $R/compare-ar.md
