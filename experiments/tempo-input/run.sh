#!/usr/bin/env bash
# Tempo as a model input (experiments/tempo-input/README.md; #14 item 3).
# Stages (STAGES, default "data train grid valid test"):
#   data   the tempo-bin features of the full band build and of the 84 held-out-soundfont test songs (the data
#          itself is experiments/corpus-wide's `data` stage)
#   train  configs/pop909-band/train-wide-long-tempo.json on 2 workers; RESUME=1 continues from the last checkpoint
#   grid   validation: the EOS grid (chord-bass off) and the default's choice rule (results/chosen.json; when no
#          setting qualifies, its choice is null and the tempo model cannot replace the default)
#   valid  the chosen setting (else, for the record, the default's EOS 0.4 / 0.45) with fill against the current
#          default (EOS 0.4 / 0.45, fill) and block chords; the decision (results/decision.json)
#   test   all 84 test songs: the tempo model and the current default with their decodings, block chords and the
#          chord-template arranger
# SEED=k (k > 0): the same stages for a seed replicate of the recipe (training seed k), in $OUT/seed<k>, results in
# results/seed<k>/, system a2s-band-tempo-seed<k>.
#   ship   (not in the default stages) only when the decision says it replaces the default: the export,
#          with its decoding and the validation and test comparisons in its model card, to
#          packages/model/assets/a2s-band-tempo
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-data/tempo-input}
BAND=${BAND:-data/pop909-band}
DC=${DC:-data/decode-calibration}
STAGES=${STAGES:-data train grid valid test}
EXP=experiments/tempo-input
R=$EXP/results
A2S="node packages/cli/bin/a2s.mjs"
source experiments/decode-calibration/lib.sh # eos_of, eos_grid, compare_to, score_test, guard_decision
TEXTURE=texture.rhythm.cosine,texture.density.sim,texture.polyphony.sim,texture.range.iou,texture.register.sim
export A2S_GEMM=${A2S_GEMM:-openblas}
CONFIG=configs/pop909-band/train-wide-long-tempo.json
NAME=a2s-band-tempo RP= # RP: the results subfolder compare_to and score_test write to (they write under $EXP/results)
if [[ -n "${SEED:-}" && "${SEED}" != 0 ]]; then
  OUT=$OUT/seed$SEED R=$R/seed$SEED NAME=a2s-band-tempo-seed$SEED RP=seed$SEED/
fi
TRAIN=$OUT/train
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
  $A2S train --config "$CONFIG" ${SEED:+--seed "$SEED"} --manifest "$BAND/data/manifest.json" --run-dir "$TRAIN" \
    --feature-cache "$BAND/features" --workers 2 ${RESUME:+--resume} ${MAX_MINUTES:+--max-minutes $MAX_MINUTES}
  cp "$TRAIN/validation.jsonl" "$R/validation.jsonl"
fi

if [[ " $STAGES " == *" grid "* ]]; then
  rm -rf "$OUT/grid" "$OUT/grid-eval"
  preds=()
  eos_grid "$OUT/grid" "$NAME" "0.3 0.4 0.5" "0.4 0.45 0.5" --run "$TRAIN" --stage dropscore "${V[@]}"
  $A2S baseline --system gt-chords-pattern --pattern block --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/grid/gt-chords-pattern"
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/grid-eval" "${preds[@]}" --predictions "$OUT/grid/gt-chords-pattern"
  cp "$OUT/grid-eval/summary.json" "$R/valid-grid-summary.json"
  if ! npx tsx experiments/decode-calibration/choose.ts "$OUT/grid-eval/summary.json" "$NAME" onset.f1 gt-chords-pattern/block "$TEXTURE" > "$R/chosen.json"; then
    echo '{"choice": null, "reason": "no EOS setting of the grid has means at least block chords'"'"' on rhythm, density, polyphony, range and register (the default'"'"'s choice rule)"}' > "$R/chosen.json"
  fi
fi

# the tempo model's EOS thresholds: its choice, else the default's (0.4 / 0.45), for the record only
tempo_eos() { local e; e=$(eos_of "$R/chosen.json" or-empty); echo "${e:-0.4,0.45}"; }
# the tempo model (tempo_eos, fill) and the current default (its recommended decoding): predict_both <dir> <split flags…>
predict_both() {
  local dir=$1 eos
  shift
  eos=$(tempo_eos)
  $A2S predict --run "$TRAIN" --stage dropscore --temperature 0 --eos-threshold "$eos" --chord-bass fill "$@" --out "$dir/tempo" --name "$NAME" --variant shipped &
  $A2S predict --run "$DEF" "$@" --out "$dir/default" --name "$DEFNAME" --variant shipped &
  wait
}
chosen_null() { [[ "$(node -e "process.stdout.write(String(require('./$R/chosen.json').choice === null))")" == true ]]; }

if [[ " $STAGES " == *" valid "* ]]; then
  rm -rf "$OUT/valid" "$OUT/valid-eval"
  predict_both "$OUT/valid" "${V[@]}"
  $A2S eval --manifest "$BAND/data/manifest.json" --split valid --out "$OUT/valid-eval" --predictions "$OUT/valid/tempo" \
    --predictions "$OUT/valid/default" --predictions "$OUT/grid/gt-chords-pattern"
  cp "$OUT/valid-eval/summary.json" "$R/valid-summary.json"
  compare_to "$OUT/valid-eval" "${RP}valid-vs-" "$NAME/shipped" "$DEFNAME/shipped gt-chords-pattern/block"
  npx tsx experiments/decode-calibration/density-spread.ts "$BAND/data/manifest.json" valid "$OUT/valid/tempo" "$OUT/valid/default" \
    "$OUT/grid/gt-chords-pattern" > "$R/valid-density-spread.json"
  npx tsx $EXP/length-by-tempo.ts "$BAND/data/manifest.json" valid "$OUT/valid/default" "$OUT/valid/tempo" > "$R/valid-length-by-tempo.json"
  # the decision (README): a decoding chosen by the default's rule, density better than the current default, no
  # other CI below -margin
  NOCHOICE=$(chosen_null && echo "no EOS setting qualifies under the default's choice rule (results/chosen.json); the rows are at the default's EOS 0.4 / 0.45, for the record" || true)
  guard_decision "$R/valid-vs-$DEFNAME-shipped.json" replacesDefault "$NOCHOICE" > "$R/decision.json"
fi

if [[ " $STAGES " == *" test "* ]]; then
  rm -rf "$OUT/test" "$OUT/test-eval"
  predict_both "$OUT/test" "${T[@]}"
  score_test "$DC/data-test-all/manifest.json" "$OUT/test" "$OUT/test-eval" "${RP}test-summary.json" "${RP}test-vs-" "$NAME/shipped" \
    "$DEFNAME/shipped gt-chords-pattern/block chord-template/auto" "$OUT/test/tempo" "$OUT/test/default"
  npx tsx experiments/decode-calibration/density-spread.ts "$DC/data-test-all/manifest.json" test "$OUT/test/tempo" "$OUT/test/default" \
    "$OUT/test/gt-chords-pattern" > "$R/test-density-spread.json"
fi

if [[ " $STAGES " == *" ship "* ]]; then
  if [[ "$(node -e "process.stdout.write(String(require('./$R/decision.json').replacesDefault))")" != true ]]; then
    echo "run.sh: the tempo model does not replace the default (results/decision.json); nothing to ship"
  else
    node -e '
      const fs = require("fs"), [r, out, name] = process.argv.slice(1), comparisons = {};
      for (const f of fs.readdirSync(r).filter((f) => /^(valid|test)-vs-.*\.json$/.test(f)).sort()) comparisons[f.slice(0, -5)] = JSON.parse(fs.readFileSync(r + "/" + f, "utf8"));
      fs.writeFileSync(out, JSON.stringify({ note: "a2s compare (paired over songs, margin 0.02), candidate " + name + " with its recommended decoding; test-*: all 84 test songs rendered with the held-out soundfont MuseScore_General; valid-*: the 84 validation songs (FluidR3_GM); experiments/tempo-input", comparisons }, null, 1));
    ' "$R" "$OUT/compare-all.json" "$NAME"
    EOS=$(eos_of "$R/chosen.json")
    rm -rf packages/model/assets/a2s-band-tempo
    $A2S export --run "$TRAIN" --out packages/model/assets/a2s-band-tempo --eos-threshold "$EOS" --chord-bass fill \
      --decoding-note "EOS thresholds: the best validation onset F1 among the settings at least level with block chords on rhythm, density, polyphony, range and register (84 validation songs, FluidR3_GM; experiments/tempo-input, results/chosen.json); chord-bass rule fill as chosen for a2s-band-wide-long (experiments/decode-calibration, fifth part)" \
      --training-data "Band audio (FluidR3_GM, leak 0.25, seed 0) of the 674 POP909 training songs of configs/pop909-band/dataset.json, features with the tempo bin; transposition augmentation" \
      --reproduce "bash experiments/corpus-wide/run.sh (STAGES=data); ${SEED:+SEED=$SEED }bash experiments/tempo-input/run.sh; ${SEED:+SEED=$SEED }STAGES=ship bash experiments/tempo-input/run.sh" \
      --results "$OUT/compare-all.json"
  fi
fi
