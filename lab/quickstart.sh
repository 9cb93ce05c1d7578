#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine (as root): install what the lab needs, boot the default
# 3-node lab, then run the main playbook against it: --check first, then for real.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYBOOK=${PLAYBOOK:-playbooks/containerd.yml}

bash lab/deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsx engine lab up --nodes 3 --image legacy
echo
echo "== check: what would change =="
npx tsx engine run "$PLAYBOOK" -i inventory/kube --check --diff
echo
echo "== apply =="
npx tsx engine run "$PLAYBOOK" -i inventory/kube
