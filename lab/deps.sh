#!/usr/bin/env bash
# Installs the Debian packages the fleetplay lab needs on the host (idempotent; run as root).
#   debootstrap + debian-archive-keyring  build the node images
#   systemd-container                      systemd-nspawn boots the nodes (pulls in systemd for `systemctl --root`)
#   openssh-client                         ssh-keygen for keys, ssh for the tests
#   util-linux, coreutils                  mount/umount/flock, cp/chroot (essential, listed for clarity)
#   iproute2                               tc, for the rollout test's slow link
#   apt-utils, gnupg                       apt-ftparchive and gpg build and sign the lab's local apt repositories
#   curl, wget                             get_url's check of a URL is tested with both clients on the controller
#   libxml2-utils                          xmllint checks the --junit report against the JUnit schema
#   chromium                               a real browser opens the --report-html page (driven by playwright-core)
#   rsync                                  the controller's end of the synchronize module
#   ansible-core                           ansible-core's copy target runs ansible-playbook on the controller;
#                                          the benchmark compares fleetplay with it
#   (apt, dpkg, tar, gzip are essential)   apt-get download, dpkg -x and reproducible tarballs for the release artifacts
# It never installs or starts a host sshd: one bound to 0.0.0.0:22 would stop the nodes from binding.
set -euo pipefail

PACKAGES=(debootstrap debian-archive-keyring systemd-container openssh-client util-linux coreutils iproute2 apt-utils gnupg curl wget libxml2-utils chromium rsync ansible-core)

if [[ $(id -u) -ne 0 ]]; then
  echo "lab/deps.sh: must run as root" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "lab/deps.sh: all lab packages present"
  exit 0
fi

# Refresh the package lists only when apt does not know a candidate for something we need.
for p in "${missing[@]}"; do
  if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update
    break
  fi
done

echo "lab/deps.sh: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
