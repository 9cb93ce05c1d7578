#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine (as root): install what the lab needs, boot the default
# 3-node lab, then run the main playbook against it: --check first, then for real.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYBOOK=${PLAYBOOK:-playbooks/containerd.yml}

bash lab/deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsx engine lab up --nodes 3 --image legacy
# The lab signs its apt repositories with a key made on this machine; the vendor playbooks
# (containerd-apt.yml, docker.yml, kubelet.yml) pin a fingerprint, so give them the lab's.
LAB_KEY=/var/cache/fleetplay/artifacts/apt/fleetplay-lab.fingerprint
EXTRA=()
if [ -f "$LAB_KEY" ]; then EXTRA=(-e "docker_apt_key_fingerprint=$(cat "$LAB_KEY")"); fi
echo
echo "== check: what would change =="
npx tsx engine run "$PLAYBOOK" -i inventory/kube "${EXTRA[@]}" --check --diff
echo
echo "== apply =="
npx tsx engine run "$PLAYBOOK" -i inventory/kube "${EXTRA[@]}"
