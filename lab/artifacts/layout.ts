// The upstream release layout the artifact server mirrors: file names, checksum lines, the containerd unit and version strings.
import type { ArtifactVersions } from '../types.ts';

/** Name of the manifest written last into a finished artifact tree; its presence marks the tree complete. */
export const MANIFEST_FILE = 'fleetplay-artifacts.json';

/** Version of the build recipe recorded in the manifest; a tree made by another recipe (e.g. without apt/) is rebuilt. */
export const ARTIFACTS_RECIPE = 2;

/** Relative paths (under the server root) of every upstream-shaped release file, as published upstream. */
export const artifactLayout = {
  /** containerd release tarball holding bin/containerd, bin/ctr and bin/containerd-shim*. */
  containerdTarball: (v: string): string => `containerd/v${v}/containerd-${v}-linux-amd64.tar.gz`,
  /** Its checksum file ("<hex>  containerd-<v>-linux-amd64.tar.gz"). */
  containerdSha256sum: (v: string): string => `containerd/v${v}/containerd-${v}-linux-amd64.tar.gz.sha256sum`,
  /** The upstream containerd.service unit (ExecStart=/usr/local/bin/containerd). */
  containerdUnit: (): string => 'containerd/containerd.service',
  /** The runc binary as upstream names its release asset. */
  runcBinary: (v: string): string => `runc/v${v}/runc.amd64`,
  /** runc's single checksum file for all assets of a release. */
  runcSha256sum: (v: string): string => `runc/v${v}/runc.sha256sum`,
  /** CNI plugins tarball with the plugins at the top level (./bridge, ./host-local, ...). */
  cniTarball: (v: string): string => `cni/v${v}/cni-plugins-linux-amd64-v${v}.tgz`,
  /** CNI's own checksum file name (upstream publishes .sha256). */
  cniSha256: (v: string): string => `cni/v${v}/cni-plugins-linux-amd64-v${v}.tgz.sha256`,
  /** The same checksum under the .sha256sum name the other projects use. */
  cniSha256sum: (v: string): string => `cni/v${v}/cni-plugins-linux-amd64-v${v}.tgz.sha256sum`,
} as const;

/** Relative paths (under the server root) of the signed lab apt repositories and their public keys. */
export const aptLayout = {
  /** The armored public key that signs both repositories (for signed-by= or /etc/apt/keyrings/). */
  keyAsc: 'apt/fleetplay-lab.asc',
  /** Its fingerprint: 40 uppercase hex digits and a newline. */
  keyFingerprint: 'apt/fleetplay-lab.fingerprint',
  /** A valid armored public key that signs nothing. */
  otherKeyAsc: 'apt/other-key.asc',
  /** Its fingerprint. */
  otherKeyFingerprint: 'apt/other-key.fingerprint',
  /** Root of the dists-style stand-in for Docker's repository: `deb URL/apt/docker bookworm stable`. */
  dockerRoot: 'apt/docker',
  /** Root of the flat stand-in for pkgs.k8s.io/core:/stable:/v1.31/deb/: `deb URL/apt/kubernetes/deb/ /`. */
  kubernetesRoot: 'apt/kubernetes/deb',
} as const;

/** Every file of a tree with these versions, relative to its root (the manifest excluded). */
export function artifactFiles(versions: ArtifactVersions): string[] {
  const l = artifactLayout;
  return [
    ...versions.containerd.flatMap((v) => [l.containerdTarball(v), l.containerdSha256sum(v)]),
    l.containerdUnit(),
    l.runcBinary(versions.runc),
    l.runcSha256sum(versions.runc),
    l.cniTarball(versions.cni),
    l.cniSha256(versions.cni),
    l.cniSha256sum(versions.cni),
  ];
}

/** One line of a sha256sum(1)-style checksum file: "<hex>  <file name>\n". */
export function checksumLine(hex: string, fileName: string): string {
  return `${hex}  ${fileName}\n`;
}

/** The upstream version of a Debian package version: 1.6.20~ds1-1+b1 -> 1.6.20, 2:1.1.5+ds1-1 -> 1.1.5; undefined if it has none. */
export function upstreamVersion(debianVersion: string): string | undefined {
  return /^(?:\d+:)?(\d+\.\d+\.\d+)(?:[~+-]|$)/.exec(debianVersion)?.[1];
}

/** The containerd.service unit containerd ships in its repository for the 1.6/1.7 release tarballs. */
export const CONTAINERD_UNIT = `# Copyright The containerd Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

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
`;
