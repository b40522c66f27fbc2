# Shell functions of the decoding experiments, sourced by the run.sh of decode-calibration, corpus-wide, tempo-input and
# density-condition. They need $A2S (the a2s command) and, for score_test and compare_to, $EXP
# (the experiment folder: results go to $EXP/results).

# eos_of <chosen.json> [or-empty]: the EOS thresholds of a choose.ts choice as "first,rest". When plain argmax
# won (no thresholds) it fails, or prints nothing with `or-empty`.
eos_of() {
  node -e '
    const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).choice.eosThreshold;
    if (c) process.stdout.write(c.first + "," + c.rest);
    else if (process.argv[2] !== "or-empty") { console.error(process.argv[1] + ": plain argmax won, no EOS thresholds"); process.exit(1); }
  ' "$1" "${2:-}"
}

# eos_grid <out dir> <system name> "<first-slot thresholds>" "<later-slot thresholds>" <a2s predict flags …>
# One greedy a2s predict per EOS threshold pair (chord-bass rule off), two at a time, into <out dir>/eos-<f>-<r>
# (variant eos-<f>-<r>); each folder is appended to the caller's array `preds` as a --predictions flag.
eos_grid() {
  local dir=$1 name=$2 first=$3 rest=$4 n=0 f r
  shift 4
  for f in $first; do for r in $rest; do
    $A2S predict "$@" --temperature 0 --eos-threshold "$f,$r" --chord-bass off --out "$dir/eos-$f-$r" --name "$name" --variant "eos-$f-$r" &
    preds+=(--predictions "$dir/eos-$f-$r")
    n=$((n + 1)); (( n % 2 == 0 )) && wait
  done; done
  wait
}

# compare_to <eval dir> <prefix> <candidate> "<baseline …>": a2s compare of <candidate> against each baseline
# (system/variant) scored in <eval dir>, into $EXP/results/<prefix><baseline with / as ->.json and .md.
compare_to() {
  local ev=$1 prefix=$2 candidate=$3 bases=$4 base f
  for base in $bases; do
    f=$(echo "$base" | tr / -)
    $A2S compare --metrics "$ev" --baseline "$base" --candidate "$candidate" --out "$EXP/results/$prefix$f.json" > "$EXP/results/$prefix$f.md"
  done
}

# Scores prediction folders on a test manifest: block chords and the chord-template arranger into <dir>, one
# a2s eval of everything into <eval dir> (its summary copied to $EXP/results/<summary>), then compare_to.
#   score_test <manifest> <dir> <eval dir> <summary> <prefix> <candidate> "<baseline …>" <prediction folder …>
score_test() {
  local manifest=$1 dir=$2 ev=$3 summary=$4 prefix=$5 candidate=$6 bases=$7
  shift 7
  local B=(--manifest "$manifest" --split test) preds=() p
  $A2S baseline --system gt-chords-pattern --pattern block "${B[@]}" --out "$dir/gt-chords-pattern"
  $A2S baseline --system chord-template --pattern auto "${B[@]}" --out "$dir/chord-template"
  for p in "$@" "$dir/gt-chords-pattern" "$dir/chord-template"; do preds+=(--predictions "$p"); done
  $A2S eval "${B[@]}" --out "$ev" "${preds[@]}"
  mkdir -p "$EXP/results" && cp "$ev/summary.json" "$EXP/results/$summary"
  compare_to "$ev" "$prefix" "$candidate" "$bases"
}

# guard_decision <compare json> <key> [failure …]: the decision of the models trained to move density
# (experiments/tempo-input, experiments/density-condition): density `better` than the current default and no CI of
# onset F1, rhythm, polyphony, range, register or bass agreement below −margin, in the a2s compare <compare json>
# (candidate against the default). Prints JSON: <key> (true when it holds and no failure was given), the
# failures (the given ones first), the rule and the rows.
guard_decision() {
  node -e '
    const [file, key, ...given] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync(file, "utf8")), margin = c.options.margin;
    const rows = c.comparisons[0].rows, row = (m) => rows.find((r) => r.metric === m);
    const guarded = ["onset.f1", "texture.rhythm.cosine", "texture.polyphony.sim", "texture.range.iou", "texture.register.sim", "texture.bass.agreement"];
    const failed = given.filter((f) => f !== "");
    if (row("texture.density.sim").verdict !== "better") failed.push("texture.density.sim: " + row("texture.density.sim").verdict);
    for (const m of guarded) if (row(m).ciLow < -margin) failed.push(m + ": CI low " + row(m).ciLow.toFixed(4));
    process.stdout.write(JSON.stringify({ [key]: failed.length === 0, failed,
      rule: "density better than the current default and no CI of " + guarded.join(", ") + " below -" + margin + " (84 validation songs, paired a2s compare)",
      rows: Object.fromEntries(["texture.density.sim", ...guarded].map((m) => [m, { diff: row(m).diff, ciLow: row(m).ciLow, ciHigh: row(m).ciHigh, verdict: row(m).verdict }])) }, null, 1) + "\n");
  ' "$@"
}

