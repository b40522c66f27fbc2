#!/usr/bin/env bash
# Tempo as a model input (experiments/tempo-input/README.md; #14 item 3).
# Stages (STAGES, default "data train grid test"):
#   data   the tempo-bin features of the full band build and of the 84 held-out-soundfont test songs (the data
#          itself is experiments/corpus-wide's `data` stage)
#   train  configs/pop909-band/train-wide-long-tempo.json on 2 workers; RESUME=1 continues from the last checkpoint
#   grid   validation: the EOS grid (chord-bass off), the default's choice rule, then the chosen setting with fill
#          against the current default (EOS 0.4 / 0.45, fill) and block chords; the decision (results/decision.json)
#   test   all 84 test songs: the tempo model and the current default with their decodings, block chords and the
#          chord-template arranger
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-data/tempo-input}
BAND=${BAND:-data/pop909-band}
DC=${DC:-data/decode-calibration}
STAGES=${STAGES:-data train grid test}
EXP=experiments/tempo-input
R=$EXP/results
A2S="node packages/cli/bin/a2s.mjs"
source experiments/decode-calibration/lib.sh # eos_of, eos_grid, compare_to, score_test
TEXTURE=texture.rhythm.cosine,texture.density.sim,texture.polyphony.sim,texture.range.iou,texture.register.sim
export A2S_GEMM=${A2S_GEMM:-openblas}
CONFIG=configs/pop909-band/train-wide-long-tempo.json
TRAIN=$OUT/train NAME=a2s-band-tempo
DEF=packages/model/assets/a2s-band-wide-long DEFNAME=a2s-band-wide-long
V=(--manifest "$BAND/data/manifest.json" --split valid --feature-cache "$BAND/features")
T=(--manifest "$DC/data-test-all/manifest.json" --split test --feature-cache "$DC/features-test-all")
mkdir -p "$OUT" "$R"

if [[ " $STAGES " == *" data "* ]]; then
  for m in "$BAND/data/manifest.json" "$DC/data-test-all/manifest.json"; do
    [[ -f "$m" ]] || { echo "run.sh: $m is missing: build it with experiments/corpus-wide/run.sh (STAGES=data)" >&2; exit 2; }
  done
  $A2S features build --config configs/pop909-band/features-tempo.json --manifest "$BAND/data/manifest.json" --cache "$BAND/features"
  $A2S features build --config configs/pop909-band/features-tempo.json --manifest "$DC/data-test-all/manifest.json" --cache "$DC/features-test-all"
fi

if [[ " $STAGES " == *" train "* ]]; then
  [[ -n "${RESUME:-}" ]] || rm -rf "$TRAIN"
  $A2S train --config "$CONFIG" --manifest "$BAND/data/manifest.json" --run-dir "$TRAIN" \
    --feature-cache "$BAND/features" --workers 2 ${RESUME:+--resume} ${MAX_MINUTES:+--max-minutes $MAX_MINUTES}
  cp "$TRAIN/validation.jsonl" "$R/validation.jsonl"
fi

if [[ " $STAGES " == *" grid "* ]]; then
  rm -rf "$OUT/grid" "$OUT/grid-eval" "$OUT/valid" "$OUT/valid-eval"
  preds=()
  eos_grid "$OUT/grid" "$NAME" "0.3 0.4 0.5" "0.4 0.45 0.5" --run "$TRAIN" --stage dropscore "${V[@]}"
  $A2S baseline --system gt-chords-pattern --pattern block --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/grid/gt-chords-pattern"
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/grid-eval" "${preds[@]}" --predictions "$OUT/grid/gt-chords-pattern"
  npx tsx experiments/decode-calibration/choose.ts "$OUT/grid-eval/summary.json" "$NAME" onset.f1 gt-chords-pattern/block "$TEXTURE" > "$R/chosen.json"
  cp "$OUT/grid-eval/summary.json" "$R/valid-grid-summary.json"
  EOS=$(eos_of "$R/chosen.json")
  $A2S predict --run "$TRAIN" --stage dropscore --temperature 0 --eos-threshold "$EOS" --chord-bass fill "${V[@]}" --out "$OUT/valid/tempo" --name "$NAME" --variant shipped &
  $A2S predict --run "$DEF" "${V[@]}" --out "$OUT/valid/default" --name "$DEFNAME" --variant shipped &
  wait
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/valid-eval" --predictions "$OUT/valid/tempo" \
    --predictions "$OUT/valid/default" --predictions "$OUT/grid/gt-chords-pattern"
  cp "$OUT/valid-eval/summary.json" "$R/valid-summary.json"
  compare_to "$OUT/valid-eval" valid-vs- "$NAME/shipped" "$DEFNAME/shipped gt-chords-pattern/block"
  npx tsx experiments/decode-calibration/density-spread.ts "$BAND/data/manifest.json" valid "$OUT/valid/tempo" "$OUT/valid/default" \
    "$OUT/grid/gt-chords-pattern" > "$R/valid-density-spread.json"
  # the decision (README): density better than the current default, no other CI below -margin
  node -e '
    const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), margin = c.options.margin;
    const rows = c.comparisons[0].rows, row = (m) => rows.find((r) => r.metric === m);
    const guarded = ["onset.f1", "texture.rhythm.cosine", "texture.polyphony.sim", "texture.range.iou", "texture.register.sim", "texture.bass.agreement"];
    const failed = [];
    if (row("texture.density.sim").verdict !== "better") failed.push("texture.density.sim: " + row("texture.density.sim").verdict);
    for (const m of guarded) if (row(m).ciLow < -margin) failed.push(m + ": CI low " + row(m).ciLow.toFixed(4));
    process.stdout.write(JSON.stringify({ replacesDefault: failed.length === 0, failed,
      rule: "density better than the current default and no CI of " + guarded.join(", ") + " below -" + margin + " (84 validation songs, paired a2s compare)",
      rows: Object.fromEntries(["texture.density.sim", ...guarded].map((m) => [m, { diff: row(m).diff, ciLow: row(m).ciLow, ciHigh: row(m).ciHigh, verdict: row(m).verdict }])) }, null, 1) + "\n");
  ' "$R/valid-vs-$DEFNAME-shipped.json" > "$R/decision.json"
fi

if [[ " $STAGES " == *" test "* ]]; then
  rm -rf "$OUT/test" "$OUT/test-eval"
  EOS=$(eos_of "$R/chosen.json")
  $A2S predict --run "$TRAIN" --stage dropscore --temperature 0 --eos-threshold "$EOS" --chord-bass fill "${T[@]}" --out "$OUT/test/tempo" --name "$NAME" --variant shipped &
  $A2S predict --run "$DEF" "${T[@]}" --out "$OUT/test/default" --name "$DEFNAME" --variant shipped &
  wait
  score_test "$DC/data-test-all/manifest.json" "$OUT/test" "$OUT/test-eval" test-summary.json test-vs- "$NAME/shipped" \
    "$DEFNAME/shipped gt-chords-pattern/block chord-template/auto" "$OUT/test/tempo" "$OUT/test/default"
  npx tsx experiments/decode-calibration/density-spread.ts "$DC/data-test-all/manifest.json" test "$OUT/test/tempo" "$OUT/test/default" \
    "$OUT/test/gt-chords-pattern" > "$R/test-density-spread.json"
fi
