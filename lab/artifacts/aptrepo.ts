// The lab's local apt repositories as data: which Debian packages each serves, where every file goes, the
// apt-ftparchive options that describe each Release, and reading back the Packages index it wrote.
import { posix } from 'node:path';
import { LabError, type AptRepoPackage, type AptRepoSpec } from '../types.ts';
import { aptLayout } from './layout.ts';

/** The stand-in for https://download.docker.com/linux/debian (bookworm stable); the lab maps containerd.io/docker-ce to these. */
export const DOCKER_REPO: AptRepoSpec = {
  kind: 'dists',
  name: 'docker',
  root: aptLayout.dockerRoot,
  suite: 'bookworm',
  component: 'stable',
  packages: ['containerd', 'docker.io'],
  architectures: ['amd64'],
  origin: 'fleetplay lab',
  label: 'Docker CE (lab stand-in)',
  description: 'fleetplay lab stand-in for download.docker.com/linux/debian, serving Debian bookworm packages',
};

/** The stand-in for the flat https://pkgs.k8s.io/core:/stable:/v1.31/deb/ (kubectl, kubelet, kubeadm). */
export const KUBERNETES_REPO: AptRepoSpec = {
  kind: 'flat',
  name: 'kubernetes',
  root: aptLayout.kubernetesRoot,
  packages: ['kubernetes-client', 'kubetail', 'kubectx'],
  architectures: ['amd64'],
  origin: 'fleetplay lab',
  label: 'Kubernetes v1.31 (lab stand-in)',
  description: 'fleetplay lab stand-in for pkgs.k8s.io/core:/stable:/v1.31/deb, serving Debian bookworm packages',
};

/** Both lab apt repositories, in build order. */
export const APT_REPOS: readonly AptRepoSpec[] = [DOCKER_REPO, KUBERNETES_REPO];

/** Every Debian package the apt repositories need downloaded from the host's suite. */
export function aptRepoPackages(): string[] {
  return [...new Set(APT_REPOS.flatMap((r) => r.packages))];
}

/** The directory (relative to the repository root) whose .debs the index lists: the pool of a dists repo, pool/ of a flat one. */
export function poolDir(spec: AptRepoSpec): string {
  switch (spec.kind) {
    case 'dists':
      return posix.join('pool', spec.component);
    case 'flat':
      return 'pool';
  }
}

/** Where one .deb goes, relative to the repository root: Debian's pool/<component>/<initial>/<package>/ for dists, flat in pool/ otherwise. */
export function poolFile(spec: AptRepoSpec, deb: { package: string; version: string; architecture: string }): string {
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(deb.package) || !/^[A-Za-z0-9.+~:-]+$/.test(deb.version) || !/^[a-z0-9-]+$/.test(deb.architecture)) {
    throw new LabError(`not a Debian package name, version or architecture: ${deb.package} ${deb.version} ${deb.architecture}`);
  }
  // dpkg's canonical file name drops the epoch (2:1.0-1 -> name_1.0-1_arch.deb), as the archive does.
  const name = `${deb.package}_${deb.version.replace(/^\d+:/, '')}_${deb.architecture}.deb`;
  switch (spec.kind) {
    case 'dists': {
      const initial = deb.package.startsWith('lib') ? deb.package.slice(0, 4) : deb.package.slice(0, 1);
      return posix.join(poolDir(spec), initial, deb.package, name);
    }
    case 'flat':
      return posix.join(poolDir(spec), name);
  }
}

/** Where the Packages index goes, relative to the repository root (one architecture: the spec's first). */
export function packagesIndexPath(spec: AptRepoSpec): string {
  switch (spec.kind) {
    case 'dists':
      return posix.join('dists', spec.suite, spec.component, `binary-${spec.architectures[0] ?? 'amd64'}`, 'Packages');
    case 'flat':
      return 'Packages';
  }
}

/** The directory holding Release, InRelease and Release.gpg, relative to the repository root. */
export function releaseDir(spec: AptRepoSpec): string {
  switch (spec.kind) {
    case 'dists':
      return posix.join('dists', spec.suite);
    case 'flat':
      return '.';
  }
}

/** `-o` options making `apt-ftparchive release` write this repository's Origin, Label, Suite, Codename, Components and so on. */
export function releaseOptions(spec: AptRepoSpec): string[] {
  const fields: Array<[string, string]> = [
    ['Origin', spec.origin],
    ['Label', spec.label],
  ];
  switch (spec.kind) {
    case 'dists':
      fields.push(['Suite', spec.suite], ['Codename', spec.suite], ['Components', spec.component]);
      break;
    case 'flat':
      // A flat repository is addressed by path (`deb URI /`), so apt checks no suite against it and it has no components.
      break;
  }
  fields.push(['Architectures', spec.architectures.join(' ')], ['Description', spec.description]);
  for (const [name, value] of fields) {
    if (value === '' || /[\n\r]/.test(value))
      throw new LabError(`Release field ${name} of the ${spec.name} repository must be one non-empty line`);
  }
  return fields.flatMap(([name, value]) => ['-o', `APT::FTPArchive::Release::${name}=${value}`]);
}

/** The entries of a Packages index (deb822 stanzas), as data; every stanza must have the five fields used. */
export function parsePackagesIndex(text: string): AptRepoPackage[] {
  return text
    .split(/\n\s*\n/)
    .filter((s) => s.trim() !== '')
    .map((stanza) => {
      const field = (name: string): string => {
        const value = new RegExp(`^${name}: *(\\S+) *$`, 'm').exec(stanza)?.[1];
        if (value === undefined) throw new LabError(`Packages stanza without ${name}:\n${stanza.trim()}`);
        return value;
      };
      return {
        package: field('Package'),
        version: field('Version'),
        architecture: field('Architecture'),
        filename: field('Filename'),
        sha256: field('SHA256'),
      };
    });
}
