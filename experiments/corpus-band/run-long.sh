#!/usr/bin/env bash
# The longer corpus run (#14 item 3): train configs/pop909-band/train-long.json on 2 data-parallel workers,
# then score its drop-score model on the 24 held-out-soundfont test songs beside the first corpus model
# (a2s-band), the bundled a2s-small and the baselines, all from configs/pop909-band.json's outputs.
# Needs data/pop909-band/{data,data-heldout,features,features-heldout,predict,predict-bundled,baselines}
# (npx tsx demo/scripts/run-pipeline.ts --config configs/pop909-band.json --to eval).
# Resumable: rerun with RESUME=1 after an interruption (training continues from its latest checkpoint).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-data/pop909-band}
L=${LONG:-data/pop909-band-long}
R=experiments/corpus-band/results/long
a2s() { node packages/cli/bin/a2s.mjs "$@"; }
mkdir -p "$L" "$R"
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
  a2s train --config configs/pop909-band/train-long.json --manifest "$OUT/data/manifest.json" --run-dir "$L/train" \
    --feature-cache "$OUT/features" --workers 2 ${RESUME:+--resume} ${MAX_MINUTES:+--max-minutes $MAX_MINUTES}
fi
rm -rf "$L/predict"
a2s predict --run "$L/train" --stage dropscore --temperature 0 --manifest "$OUT/data-heldout/manifest.json" --split test \
  --out "$L/predict" --feature-cache "$OUT/features-heldout" --name a2s-long
rm -rf "$L/eval"
a2s eval --manifest "$OUT/data-heldout/manifest.json" --split test --out "$L/eval" --predictions "$L/predict" \
  --predictions "$OUT/predict" --predictions "$OUT/predict-bundled" --predictions "$OUT/baselines/gt" \
  --predictions "$OUT/baselines/gt-chords-pattern" --predictions "$OUT/baselines/chord-template"
for b in chord-template/auto gt-chords-pattern/block a2s-bundled/full a2s/full; do
  name=vs-${b%%/*}
  a2s compare --metrics "$L/eval" --baseline "$b" --candidate a2s-long/full --out "$R/$name.json" > "$R/$name.md"
done
cp "$L/eval/summary.json" "$R/summary.json"
cp "$L/train/validation.jsonl" "$R/validation.jsonl"
# the report: tables with CIs, the learning curve (validation loss and onset F1 of the run)
rm -rf "$L/report"
a2s report --eval "$L/eval" --runs "$L/train" --manifest "$OUT/data-heldout/manifest.json" --config configs/pop909-band/report.json \
  --out "$L/report" --audio-segments 0
cp "$L/report/figures/learning-curve-train.svg" "$R/learning-curve.svg"
