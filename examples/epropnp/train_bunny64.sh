#!/usr/bin/env bash
# The 64x64 bunny models of the README's epropnp section: a 2,000-step coordinate warm start
# (variant A's losses), 8,000 steps of variant A (a trained CDPN-style network, which the
# article fine-tunes EPro-PnP from), then from it 2,000 steps of variant D (the reference model)
# and, for the Table 1 check at an equal budget, 2,000 more steps of A. Every stage checkpoints
# every 250 steps: run this again (another sitting) and it continues where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
lacuna="node packages/cli/bin/lacuna.js"
[ -f runs/bunny64/train.lcnp ] || $lacuna epropnp render --object bunny --count 8000 --crop 64 --seed 1 --out runs/bunny64/train.lcnp
for stage in warm A D A_more; do
  LACUNA_THREADS="${LACUNA_THREADS:-1}" $lacuna epropnp train --config "examples/epropnp/bunny64_$stage.json" --resume
done
