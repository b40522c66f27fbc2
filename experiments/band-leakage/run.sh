#!/usr/bin/env bash
# Leakage of synth vs band audio at several leak values (#12): builds each audio kind for 6 validation songs
# of the default full-corpus split and runs `a2s leakage` on the 16 middle segments of each song.
#   experiments/band-leakage/run.sh [POP909_DIR] [WORK_DIR]
# Writes results/<kind>.leakage.json (and the datasets under WORK_DIR, default /tmp/a2s-band-leakage).
# basic-pitch costs about 0.25 s per audio second on a quiet core (16 segments ≈ 60 s per song).
set -euo pipefail
cd "$(dirname "$0")/../.."
POP909=${1:-../shared/data/pop909}
WORK=${2:-/tmp/a2s-band-leakage}
OUT=experiments/band-leakage/results
# The first six ids of the valid split of a full build (seed 0, 80/10/10, songs in duple metre).
SONGS=004,011,023,024,028,044
A2S="node packages/cli/bin/a2s.mjs"
mkdir -p "$WORK" "$OUT"
for kind in synth band-0 band-0.25 band-0.5; do
  case $kind in
    synth) audio='{"type":"synth"}';;
    band-*) audio="{\"type\":\"band\",\"leak\":${kind#band-}}";;
  esac
  echo "{\"seed\":0,\"audio\":$audio,\"split\":{\"train\":0,\"valid\":1,\"test\":0}}" > "$WORK/$kind.config.json"
  nice -n 10 $A2S data build --config "$WORK/$kind.config.json" --pop909 "$POP909" --songs $SONGS --out "$WORK/$kind" --no-progress
  nice -n 10 $A2S leakage --manifest "$WORK/$kind/manifest.json" --split valid --songs $SONGS --segments-per-song 16 --out "$OUT/$kind.leakage.json"
done
