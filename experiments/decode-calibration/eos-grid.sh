# Sourced by run.sh here and by experiments/corpus-wide/run.sh (needs $A2S and an array `preds`).
# eos_grid <out dir> <system name> "<first-slot thresholds>" "<later-slot thresholds>" <a2s predict flags …>
# One greedy a2s predict per EOS threshold pair (chord-bass rule off), two at a time, into <out dir>/eos-<f>-<r>
# (variant eos-<f>-<r>); each folder is appended to `preds` as a --predictions flag.
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
