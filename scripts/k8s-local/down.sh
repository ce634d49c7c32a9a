#!/usr/bin/env bash
# Stops what up.sh started, by the PIDs it recorded (newest first): SIGTERM, then SIGKILL
# after 10 s. Keeps the built binaries and certificates; removes the run state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PIDS="$RUN_DIR/pids"
[[ -f "$PIDS" ]] || { echo "down: nothing running"; exit 0; }
mapfile -t entries < <(tac "$PIDS")
alive() { kill -0 "$1" 2> /dev/null; }
for entry in "${entries[@]}"; do
  read -r name pid <<< "$entry"
  alive "$pid" && kill -TERM "$pid" 2> /dev/null && echo "down: $name ($pid) stopping"
done
deadline=$((SECONDS + 10))
for entry in "${entries[@]}"; do
  read -r name pid <<< "$entry"
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "$pid"; then kill -KILL "$pid" 2> /dev/null || true; echo "down: $name ($pid) killed"; fi
done
rm -f "$PIDS"
[[ "${OGS_K8S_KEEP_RUN:-0}" == 1 ]] || rm -rf "$RUN_DIR"
echo "down: stopped"
