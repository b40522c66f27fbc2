#!/usr/bin/env bash
# Installs the Debian packages a2s needs when they are missing: FluidSynth and a General MIDI soundfont
# (audio synthesis), DejaVu fonts (text in PNG figures), mir_eval (eval-audio agreement test), Chromium
# (report tests), and g++ with OpenBLAS (the native matrix products). Idempotent.
set -euo pipefail
need=()
command -v fluidsynth >/dev/null 2>&1 || need+=(fluidsynth)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need+=(fluid-soundfont-gm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Held-out soundfont for band audio of test songs (configs/pop909-band/dataset-heldout.json; 76 MB download)
[ -f /usr/share/sounds/sf3/MuseScore_General.sf3 ] || need+=(musescore-general-soundfont)
# mir_eval: independent check of a2s eval-audio's chord, onset and beat scores (packages/eval tests)
/usr/bin/python3 -c 'import mir_eval' >/dev/null 2>&1 || need+=(python3-mir-eval)
# xmllint: the score tests validate MusicXML against the MusicXML 4.0 schema (packages/score/schema)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
# Single-node Slurm (munge, slurmctld, slurmd, client tools): the Slurm executor's tests (deploy/slurm/cluster.sh)
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
# g++ and OpenBLAS: the optional native matrix products of the wasm backend (packages/model/native, A2S_GEMM=openblas)
command -v g++ >/dev/null 2>&1 || need+=(g++)
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so ] || need+=(libopenblas-dev)
if [ "${A2S_SKIP_CHROMIUM:-0}" != 1 ]; then command -v chromium >/dev/null 2>&1 || need+=(chromium); fi
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
