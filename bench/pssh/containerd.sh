#!/bin/bash
# The containerd migration as one plain script, the way operators paste it into parallel-ssh (seeds
# 000, 002 and 003): the same steps as playbooks/containerd.yml, with no idempotence checks beyond
# what the commands themselves do. bench/pssh.ts sends it to every node at once on stdin, with:
#   CONTAINERD_VERSION CONTAINERD_URL CONTAINERD_SHA_URL RUNC_URL RUNC_SHA_URL CNI_URL CNI_SHA_URL
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
DL=/var/cache/fleetplay/downloads
case "$CONTAINERD_VERSION" in
  1.*) ;;
  *) echo "this script writes containerd 1.x's config.toml layout; $CONTAINERD_VERSION needs version = 3" >&2; exit 1 ;;
esac

# download URL SHA_URL DEST: fetch to a temp file, check it against the upstream checksum file, move.
download() {
  local name want
  name=$(basename "$1")
  want=$(curl -fsSL "$2" | awk -v f="$name" '$2 == f || $2 == "*" f { print $1 }')
  [ -n "$want" ] || { echo "no checksum for $name in $2" >&2; exit 1; }
  curl -fsSL -o "$3.part" "$1"
  echo "$want  $3.part" | sha256sum -c --quiet
  mv "$3.part" "$3"
}

# 1-2. Stop the Docker-era services and remove their packages.
if dpkg-query -W -f='${Status}\n' docker.io containerd runc 2>/dev/null | grep -q 'install ok installed'; then
  for unit in kubelet docker.socket docker containerd; do
    systemctl stop "$unit" 2>/dev/null || true
  done
fi
apt-get -y -q remove --autoremove docker.io containerd runc >/dev/null

# 3. containerd release tarball into /usr/local.
mkdir -p "$DL"
download "$CONTAINERD_URL" "$CONTAINERD_SHA_URL" "$DL/$(basename "$CONTAINERD_URL")"
tar -C /usr/local -xzf "$DL/$(basename "$CONTAINERD_URL")"

# 4. The mask fix: "Unit file /etc/systemd/system/containerd.service is masked".
if [ "$(readlink /etc/systemd/system/containerd.service || true)" = /dev/null ]; then
  rm -f /etc/systemd/system/containerd.service
fi

# 5. The upstream unit.
mkdir -p /usr/local/lib/systemd/system
cat >/usr/local/lib/systemd/system/containerd.service <<'EOF'
# The upstream containerd.service for binaries under /usr/local.
[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/containerd

Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5

# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNPROC=infinity
LimitCORE=infinity

# Comment TasksMax if your systemd version does not supports it.
# Only systemd 226 and above support this version.
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
EOF

# 6. runc and the CNI plugins.
download "$RUNC_URL" "$RUNC_SHA_URL" /usr/local/sbin/runc
chmod 0755 /usr/local/sbin/runc
mkdir -p /opt/cni/bin
download "$CNI_URL" "$CNI_SHA_URL" "$DL/$(basename "$CNI_URL")"
tar -C /opt/cni/bin -xzf "$DL/$(basename "$CNI_URL")"

# 7. Kernel modules (built in, or loaded) and CRI sysctls, now and at boot.
for m in overlay br_netfilter; do
  # Loaded or built in; a kernel without /proc/modules (the lab's containers) cannot load any.
  [ -d "/sys/module/$m" ] || [ ! -e /proc/modules ] || modprobe "$m"
  echo "$m" >"/etc/modules-load.d/$m.conf"
done
cat >/etc/sysctl.d/99-kubernetes-cri.conf <<'EOF'
net.ipv4.ip_forward=1
net.bridge.bridge-nf-call-iptables=1
net.bridge.bridge-nf-call-ip6tables=1
EOF
sysctl -q -p /etc/sysctl.d/99-kubernetes-cri.conf

# 8-9. containerd and crictl configuration (containerd 1.x layout: version = 2).
mkdir -p /etc/containerd
cat >/etc/containerd/config.toml <<'EOF'
version = 2

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
EOF
cat >/etc/crictl.yaml <<'EOF'
runtime-endpoint: unix:///run/containerd/containerd.sock
image-endpoint: unix:///run/containerd/containerd.sock
timeout: 10
debug: false
EOF

# 10. Enable and start, then restart for the new binaries, unit and config (what the playbooks'
# handler does), and check the server's version.
systemctl daemon-reload
systemctl enable --now containerd
systemctl restart containerd
version=$(ctr version)
server=${version#*Server:}
[[ $version == *Server:* && $server =~ Version:[[:space:]]+v?([0-9.]+) && ${BASH_REMATCH[1]} == "$CONTAINERD_VERSION" ]] || {
  echo "containerd should be $CONTAINERD_VERSION; ctr version says: $version" >&2
  exit 1
}
