#!/usr/bin/env bash
# A wider band-audio model on all POP909 training songs (experiments/corpus-wide/README.md; #14 item 3).
# Stages (STAGES, default "data train grid export test"):
#   data   band audio of every song (configs/pop909-band/dataset.json) and its features, unless already built;
#          the 84 test songs again with the held-out soundfont (experiments/decode-calibration's test-all data)
#   train  configs/pop909-band/train-wide.json on 2 data-parallel workers with the native kernels
#          (A2S_GEMM=openblas); RESUME=1 continues an interrupted run from its latest checkpoint
#   grid   validation songs only: the drop-score model's EOS thresholds (chord-bass rule off), chosen as in
#          decode-calibration's second part (best onset F1 among settings level with block chords on the texture
#          metrics); then that setting with the chord-bass rule `voice` and `off`, and the shipped a2s-band,
#          compared pairwise on validation (the shipping decision, made before any test song is scored)
#   export the drop-score weights with the chosen decoding, to $OUT/a2s-band-wide
#   test   all 84 held-out-soundfont test songs: the new model, the shipped a2s-band, a2s-small, block chords,
#          the chord-template arranger; a2s eval, a2s compare; the learning curve
#   ship   (not in the default stages) the export again, to packages/model/assets/a2s-band-wide (PART=long:
#          a2s-band-wide-long), with the validation and test comparisons in its model card; it exports the
#          chord-bass rule voice, which experiments/decode-calibration's STAGES='fill fill-ship' (its fifth part)
#          then replaces with fill for a2s-band-wide-long
#   seed   (PART=long only, not in the default stages) the second part's recipe again with another seed (SEED,
#          default 1), from scratch: training, then the decoding chosen for seed 0 on the validation and test
#          songs, compared with the seed-0 model, a2s-band and the baselines (results/long/seed<SEED>-*)
# PART=long: the second part (README), the same stages for drop-score trained 4x longer
# (configs/pop909-band/train-wide-long.json): train continues a copy of the first part's run folder with
# `a2s train --resume --config` when it is there (bit-identical to training the longer config from scratch,
# which it does otherwise); work in $OUT/long, results in results/long, the system named a2s-band-wide-long, and
# the first part's a2s-band-wide compared too
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-data/corpus-wide}
BAND=${BAND:-data/pop909-band}
DC=${DC:-data/decode-calibration}
POP909=${POP909:-../shared/data/pop909}
STAGES=${STAGES:-data train grid export test}
EXP=experiments/corpus-wide
R=$EXP/results
A2S="node packages/cli/bin/a2s.mjs"
source experiments/decode-calibration/lib.sh # eos_of, eos_grid, compare_to, score_test
TEXTURE=texture.rhythm.cosine,texture.density.sim,texture.polyphony.sim,texture.range.iou,texture.register.sim
export A2S_GEMM=${A2S_GEMM:-openblas}
if [[ "${PART:-}" == long ]]; then
  W=$OUT/long TRAIN=$OUT/train-long NAME=a2s-band-wide-long R=$EXP/results/long RP=long/ CONFIG=configs/pop909-band/train-wide-long.json
  SHIP=packages/model/assets/a2s-band-wide-long # the default model since its decision (README, second part)
  MORE_VALID="a2s-band-wide/shipped"
else
  W=$OUT TRAIN=$OUT/train NAME=a2s-band-wide RP= CONFIG=configs/pop909-band/train-wide.json MORE_VALID=
  SHIP=packages/model/assets/a2s-band-wide
fi
mkdir -p "$W" "$R"
V=(--manifest "$BAND/data/manifest.json" --split valid --feature-cache "$BAND/features")
T=(--manifest "$DC/data-test-all/manifest.json" --split test --feature-cache "$DC/features-test-all")

if [[ " $STAGES " == *" data "* ]]; then
  if [[ ! -f "$BAND/data/manifest.json" ]]; then
    $A2S data build --config configs/pop909-band/dataset.json --pop909 "$POP909" --out "$BAND/data" --no-progress
  fi
  $A2S features build --config configs/pop909-small/features.json --manifest "$BAND/data/manifest.json" --cache "$BAND/features"
  mkdir -p "$DC"
  [[ -f "$DC/splits.json" ]] || npx tsx experiments/decode-calibration/split-songs.ts "$POP909" > "$DC/splits.json"
  if [[ ! -f "$DC/data-test-all/manifest.json" ]]; then
    TESTALL=$(node -e "process.stdout.write(require('./$DC/splits.json').test.join(','))")
    $A2S data build --config experiments/decode-calibration/dataset-test.json --pop909 "$POP909" --out "$DC/data-test-all" --songs "$TESTALL" --no-progress
  fi
  $A2S features build --config configs/pop909-small/features.json --manifest "$DC/data-test-all/manifest.json" --cache "$DC/features-test-all"
fi

if [[ " $STAGES " == *" train "* ]]; then
  resume=${RESUME:+--resume}
  if [[ -z "${RESUME:-}" ]]; then
    rm -rf "$TRAIN"
    if [[ "${PART:-}" == long && -f "$OUT/train/checkpoints/dropscore-0001200/header.json" ]]; then
      cp -a "$OUT/train" "$TRAIN" && resume=--resume # the first part's run, drop-score made longer
    fi
  fi
  $A2S train --config "$CONFIG" --manifest "$BAND/data/manifest.json" --run-dir "$TRAIN" \
    --feature-cache "$BAND/features" --workers 2 $resume ${MAX_MINUTES:+--max-minutes $MAX_MINUTES}
  cp "$TRAIN/validation.jsonl" "$R/validation.jsonl"
fi

FIRST=${FIRST:-0.3 0.4 0.5}
REST=${REST:-0.4 0.45 0.5}
if [[ " $STAGES " == *" grid "* ]]; then
  rm -rf "$W/grid" "$W/grid-eval"
  preds=()
  eos_grid "$W/grid" "$NAME" "$FIRST" "$REST" --run "$TRAIN" --stage dropscore "${V[@]}"
  $A2S baseline --system gt-chords-pattern --pattern block --manifest "$BAND/data/manifest.json" --split valid --out "$W/grid/gt-chords-pattern"
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$W/grid-eval" "${preds[@]}" --predictions "$W/grid/gt-chords-pattern"
  npx tsx experiments/decode-calibration/choose.ts "$W/grid-eval/summary.json" "$NAME" onset.f1 gt-chords-pattern/block "$TEXTURE" > "$W/chosen.json"
  cp "$W/grid-eval/summary.json" "$R/valid-grid-summary.json" && cp "$W/chosen.json" "$R/chosen.json"
  EOS=$(eos_of "$W/chosen.json")
  # the shipping decision: the new model with the chosen thresholds and the chord-bass rule against the shipped
  # a2s-band (its header's decoding: EOS 0.4 / 0.45, voice), both on the validation songs
  rm -rf "$W/valid" "$W/valid-eval"
  $A2S predict --run "$TRAIN" --stage dropscore --temperature 0 --eos-threshold "$EOS" --chord-bass voice "${V[@]}" \
    --out "$W/valid/wide" --name "$NAME" --variant shipped &
  $A2S predict --run packages/model/assets/a2s-band "${V[@]}" --out "$W/valid/band" --name a2s-band --variant shipped &
  wait
  more=()
  [[ -z "$MORE_VALID" ]] || { more=(--predictions "$OUT/valid/wide"); } # the first part's shipped wide model
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$W/valid-eval" --predictions "$W/valid/wide" \
    --predictions "$W/valid/band" --predictions "$W/grid/gt-chords-pattern" "${more[@]}"
  cp "$W/valid-eval/summary.json" "$R/valid-summary.json"
  compare_to "$W/valid-eval" "${RP}valid-vs-" "$NAME/shipped" "a2s-band/shipped gt-chords-pattern/block $MORE_VALID"
fi

export_model() { # <out dir> [a2s export flags]
  local dir=$1; shift
  EOS=$(eos_of "$W/chosen.json")
  rm -rf "$dir"
  $A2S export --run "$TRAIN" --out "$dir" --eos-threshold "$EOS" --chord-bass voice "$@" \
    --decoding-note "EOS thresholds: the best validation onset F1 among the settings at least level with block chords on rhythm, density, polyphony, range and register (84 validation songs, FluidR3_GM; experiments/corpus-wide, ${R#$EXP/}/chosen.json); chord-bass rule voice as chosen for a2s-band (experiments/decode-calibration, third part)" \
    --training-data "Band audio (FluidR3_GM, leak 0.25, seed 0) of the 674 POP909 training songs of configs/pop909-band/dataset.json; transposition augmentation" \
    --reproduce "${PART:+PART=$PART }bash experiments/corpus-wide/run.sh; ${PART:+PART=$PART }STAGES=ship bash experiments/corpus-wide/run.sh${PART:+; STAGES='fill fill-ship' bash experiments/decode-calibration/run.sh (its chord-bass rule fill)}"
}
[[ " $STAGES " != *" export "* ]] || export_model "$W/$NAME"

if [[ " $STAGES " == *" test "* ]]; then
  rm -rf "$W/test" "$W/test-eval"
  if [[ "${PART:-}" == long ]]; then
    # the other models' test predictions are the first part's (deterministic: greedy, their own decoding)
    $A2S predict --run "$W/$NAME" "${T[@]}" --out "$W/test/wide-long" --name "$NAME" --variant shipped
    others=("$OUT/test/wide" "$OUT/test/band" "$OUT/test/a2s-small")
    score_test "$DC/data-test-all/manifest.json" "$W/test" "$W/test-eval" long/test-summary.json long/test-vs- "$NAME/shipped" \
      "a2s-band-wide/shipped a2s-band/shipped gt-chords-pattern/block chord-template/auto a2s-small/full" "$W/test/wide-long" "${others[@]}"
    npx tsx experiments/decode-calibration/bass-errors.ts "$DC/data-test-all/manifest.json" test "$OUT/test/band" "$OUT/test/wide" \
      "$W/test/wide-long" "$W/test/gt-chords-pattern" > "$R/test-bass-errors.json"
  else
    $A2S predict --run "$W/$NAME" "${T[@]}" --out "$W/test/wide" --name "$NAME" --variant shipped &
    $A2S predict --run packages/model/assets/a2s-band "${T[@]}" --out "$W/test/band" --name a2s-band --variant shipped &
    wait
    $A2S predict --run packages/model/assets/a2s-small --chord-bass off --temperature 0 "${T[@]}" --out "$W/test/a2s-small" --name a2s-small
    score_test "$DC/data-test-all/manifest.json" "$W/test" "$W/test-eval" test-summary.json test-vs- "$NAME/shipped" \
      "a2s-band/shipped gt-chords-pattern/block chord-template/auto a2s-small/full" "$W/test/wide" "$W/test/band" "$W/test/a2s-small"
    npx tsx experiments/decode-calibration/bass-errors.ts "$DC/data-test-all/manifest.json" test "$W/test/band" "$W/test/wide" \
      "$W/test/gt-chords-pattern" > "$R/test-bass-errors.json"
  fi
  rm -rf "$W/report"
  $A2S report --eval "$W/test-eval" --runs "$TRAIN" --manifest "$DC/data-test-all/manifest.json" --config configs/pop909-band/report.json \
    --out "$W/report" --audio-segments 0
  cp "$W/report/figures/learning-curve-$(basename "$TRAIN").svg" "$R/learning-curve.svg"
fi

if [[ " $STAGES " == *" ship "* ]]; then
  node -e '
    const fs = require("fs"), [r, out, name, where] = process.argv.slice(1), comparisons = {};
    for (const f of fs.readdirSync(r).filter((f) => /^(valid|test)-vs-.*\.json$/.test(f)).sort()) comparisons[f.slice(0, -5)] = JSON.parse(fs.readFileSync(r + "/" + f, "utf8"));
    fs.writeFileSync(out, JSON.stringify({ note: `a2s compare (paired over songs, margin 0.02), candidate ${name} with its recommended decoding; test-*: all 84 test songs rendered with the held-out soundfont MuseScore_General; valid-*: the 84 validation songs (FluidR3_GM); experiments/corpus-wide, ${where}`, comparisons }, null, 1));
  ' "$R" "$W/compare-all.json" "$NAME" "${R#$EXP/}"
  export_model "$SHIP" --results "$W/compare-all.json"
fi

if [[ " $STAGES " == *" seed "* ]]; then
  [[ "${PART:-}" == long ]] || { echo "run.sh: STAGES=seed needs PART=long" >&2; exit 2; }
  S=${SEED:-1}; ST=$OUT/train-long-seed$S SW=$W/seed$S
  [[ -n "${RESUME:-}" ]] || rm -rf "$ST"
  $A2S train --config "$CONFIG" --seed "$S" --manifest "$BAND/data/manifest.json" --run-dir "$ST" \
    --feature-cache "$BAND/features" --workers 2 ${RESUME:+--resume} ${MAX_MINUTES:+--max-minutes $MAX_MINUTES}
  cp "$ST/validation.jsonl" "$R/seed$S-validation.jsonl"
  EOS=$(eos_of "$W/chosen.json")
  rm -rf "$SW"
  $A2S predict --run "$ST" --stage dropscore --temperature 0 --eos-threshold "$EOS" --chord-bass voice "${V[@]}" \
    --out "$SW/valid" --name "$NAME-seed$S" --variant shipped
  $A2S predict --run "$ST" --stage dropscore --temperature 0 --eos-threshold "$EOS" --chord-bass voice "${T[@]}" \
    --out "$SW/test" --name "$NAME-seed$S" --variant shipped
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$SW/valid-eval" --predictions "$SW/valid" \
    --predictions "$W/valid/wide" --predictions "$W/valid/band" --predictions "$W/grid/gt-chords-pattern"
  cp "$SW/valid-eval/summary.json" "$R/seed$S-valid-summary.json"
  compare_to "$SW/valid-eval" "${RP}seed$S-valid-vs-" "$NAME-seed$S/shipped" "$NAME/shipped a2s-band/shipped gt-chords-pattern/block"
  $A2S eval --manifest "$DC/data-test-all/manifest.json" --split test --out "$SW/test-eval" --predictions "$SW/test" \
    --predictions "$W/test/wide-long" --predictions "$OUT/test/band" --predictions "$W/test/gt-chords-pattern" --predictions "$W/test/chord-template"
  cp "$SW/test-eval/summary.json" "$R/seed$S-test-summary.json"
  compare_to "$SW/test-eval" "${RP}seed$S-test-vs-" "$NAME-seed$S/shipped" "$NAME/shipped a2s-band/shipped gt-chords-pattern/block chord-template/auto"
fi
