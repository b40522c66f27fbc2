#!/usr/bin/env bash
# Decoder comparison (the parallel decoders of $PARALLEL below against pianotree-gru): see experiments/decoder-compare/README.md.
# Run from the repository root:
#   bash experiments/decoder-compare/run.sh [STEPS...]        # default: 80 400 (the README's numbers: 80 400 800)
#   SYSTEMS="parallel parallel-causal-pitch" bash experiments/decoder-compare/run.sh 80 400 1869
#   bash experiments/decoder-compare/run.sh --eval-only 80 400 800 1869     # score what exists
# Each system trains once, stopping at each of STEPS in turn (--max-steps, then --resume from wherever the run
# folder is: resumed training is bit-identical to uninterrupted training on cpu/wasm), and predicts the test
# split greedily (t0) and sampled (t1) at each stop; points already predicted are skipped. On a quiet 2-core
# machine: ~50 min per 400 GRU steps, ~3-5 min per 400 parallel-decoder steps.
set -euo pipefail
EVAL_ONLY=0
if [[ "${1:-}" == "--eval-only" ]]; then EVAL_ONLY=1; shift; fi
STEPS=("$@")
[[ ${#STEPS[@]} -gt 0 ]] || STEPS=(80 400)
# parallel-causal-steps (stepContext: previous) was measured worse and parallel-causal (slotContext: causal) no
# better than parallel-causal-pitch; both were then removed from the code. Their numbers stay in summary*.json
# and compare-*.md.
PARALLEL="parallel parallel-causal-pitch parallel-rhythm parallel-rhythm-wide"
ALL="$PARALLEL pianotree-gru"
SYSTEMS=${SYSTEMS:-$ALL}
M=data/bench/features-dataset-50/manifest.json
B=experiments/decoder-compare
R=data/runs

# Names the system/variant of a prediction folder (a2s predict writes system 'a2s', variant = model variant;
# a2s eval refuses two folders with the same system/variant/seed).
label() { node -e 'const fs=require("fs");const p=process.argv[1]+"/predictions.json";const j=JSON.parse(fs.readFileSync(p,"utf8"));j.system=process.argv[2];j.variant=process.argv[3];fs.writeFileSync(p,JSON.stringify(j,null,2)+"\n")' "$1" "$2" "$3"; }

# Global step of a run folder's latest checkpoint (0 when it has none).
at_step() { node -e 'try{const j=require(process.argv[1]);console.log(j.position.globalStep)}catch{console.log(0)}' "$PWD/$1/checkpoints/latest.json"; }

if [[ $EVAL_ONLY == 0 ]]; then
  for x in $SYSTEMS; do   # one after the other, never in parallel
    for s in "${STEPS[@]}"; do
      [[ -f $R/decoder-$x/pred-$s-t1/predictions.json ]] && continue   # this point is done
      now=$(at_step $R/decoder-$x)
      if [[ $now == 0 ]]; then
        npx a2s train --config $B/$x.json --manifest $M --run-dir $R/decoder-$x --max-steps "$s"
      elif (( now < s )); then
        npx a2s train --config $B/$x.json --manifest $M --run-dir $R/decoder-$x --resume --max-steps $((s - now))
      elif (( now > s )); then
        echo "run.sh: $R/decoder-$x is at step $now, past $s: remove it to redo step $s" >&2; exit 1
      fi
      for t in 0 1; do
        npx a2s predict --run $R/decoder-$x --split test --manifest $M --out $R/decoder-$x/pred-$s-t$t --temperature $t
        label $R/decoder-$x/pred-$s-t$t a2s-$x ${s}steps-t$t
      done
      # the validation songs (unused in training: no early stopping, no tuning) as a replication, sampled only
      npx a2s predict --run $R/decoder-$x --split valid --manifest $M --out $R/decoder-$x/pred-$s-t1-valid --temperature 1
      label $R/decoder-$x/pred-$s-t1-valid a2s-$x ${s}steps-t1
    done
  done
fi

# Every prediction folder that exists for the STEPS points (the long points exist for the parallel decoders only).
P=()
for s in "${STEPS[@]}"; do for t in 0 1; do for x in $ALL; do
  [[ -f $R/decoder-$x/pred-$s-t$t/predictions.json ]] && P+=(--predictions $R/decoder-$x/pred-$s-t$t)
done; done; done
npx a2s eval "${P[@]}" --manifest $M --split test --out $R/decoder-compare-eval
cp $R/decoder-compare-eval/summary.json $B/summary.json
V=()
for s in "${STEPS[@]}"; do for x in $ALL; do
  [[ -f $R/decoder-$x/pred-$s-t1-valid/predictions.json ]] && V+=(--predictions $R/decoder-$x/pred-$s-t1-valid)
done; done
if [[ ${#V[@]} -gt 0 ]]; then
  npx a2s eval "${V[@]}" --manifest $M --split valid --out $R/decoder-compare-eval-valid
  cp $R/decoder-compare-eval-valid/summary.json $B/summary-valid.json
fi

# Paired comparison with the GRU at GRU_STEPS steps of every parallel decoder predicted at CAND_STEPS steps, on the
# test then the validation split: compare_with_gru GRU_STEPS CAND_STEPS NAME → $B/compare-NAME-{test,valid}.md/json.
compare_with_gru() {
  local g=$1 l=$2 name=$3 split E sfx x
  for split in test valid; do
    E=$R/decoder-compare-eval; sfx=""
    if [[ $split == valid ]]; then E=$R/decoder-compare-eval-valid; sfx=-valid; fi
    [[ -f $R/decoder-pianotree-gru/pred-$g-t1$sfx/predictions.json ]] || continue
    local C=()
    for x in $PARALLEL; do
      [[ -f $R/decoder-$x/pred-$l-t1$sfx/predictions.json ]] && C+=(--candidate a2s-$x/${l}steps-t1)
    done
    [[ ${#C[@]} -gt 0 ]] || continue
    npx a2s compare --metrics $E --baseline a2s-pianotree-gru/${g}steps-t1 "${C[@]}" --out $B/compare-$name-$split.json | tee $B/compare-$name-$split.md
  done
}

# Equal steps: every STEPS point.
for s in "${STEPS[@]}"; do compare_with_gru "$s" "$s" "$s"; done

# Equal (or less) wall time: the parallel decoders at LONG steps against the GRU at GRU_STEPS steps
# (EQUAL_TIME="GRU_STEPS:LONG", default 400:1869; 1869 parallel steps take less time than 400 GRU steps).
EQUAL_TIME=${EQUAL_TIME:-400:1869}
g=${EQUAL_TIME%%:*}; l=${EQUAL_TIME#*:}
[[ " ${STEPS[*]} " == *" $l "* ]] || exit 0   # the long point was not scored in this call
compare_with_gru "$g" "$l" time
