#!/usr/bin/env python3
"""Independent check of a2s eval-audio against mir_eval (Debian: python3-mir-eval).

Reads JSON from stdin, one object per case:
  [{"chords": {"ref": [labels], "est": [labels]}, "onsets": {"ref": [s], "est": [s]}, "beats": {"ref": [s], "est": [s]}}, ...]
Prints JSON, one object per case: chord root and majmin accuracy (one beat = one unit of weight),
onset F-measure (window 50 ms) and beat F-measure (70 ms), all computed by mir_eval.
"""
import json
import sys
import warnings

import numpy as np
import mir_eval

warnings.simplefilter("ignore")


def chord_score(ref, est, compare):
    comparisons = compare(ref, est)
    weights = np.ones(len(ref))
    return float(mir_eval.chord.weighted_accuracy(comparisons, weights))


out = []
for case in json.load(sys.stdin):
    ref, est = case["chords"]["ref"], case["chords"]["est"]
    onsets = case["onsets"]
    beats = case["beats"]
    out.append({
        "mir_eval": mir_eval.__version__,
        "chord_root": chord_score(ref, est, mir_eval.chord.root),
        "chord_majmin": chord_score(ref, est, mir_eval.chord.majmin),
        "onset_f": float(mir_eval.onset.f_measure(np.array(onsets["ref"]), np.array(onsets["est"]), window=0.05)[0]),
        "beat_f": float(mir_eval.beat.f_measure(np.array(beats["ref"]), np.array(beats["est"]), f_measure_threshold=0.07)),
    })
json.dump(out, sys.stdout)
