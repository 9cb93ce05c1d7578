// Public API of the lab: a fleet of real Debian nodes (systemd, sshd, dpkg, containerd) on this machine.
/** Image, node and lab-state types, and the progress-line callback. */
export type { LabImage, LabNode, LabState, LabLog, ArtifactSet, ArtifactVersions, ArtifactRequest, ArtifactServerStatus } from './types.ts';
/** The error thrown for lab failures (bad options, collisions, nodes that did not boot). */
export { LabError } from './types.ts';
/** Options of labUp. */
export type { LabUpOptions } from './lifecycle.ts';
/** Boot, stop and inspect labs. */
export { labUp, labDown, labStatus } from './lifecycle.ts';
/** Build (once) and return the cached image directory. */
export { ensureImage } from './image.ts';
/** Where the shared client key lives. */
export { LAB_KEY_FILE } from './paths.ts';
/** Base URL (no trailing slash) of the release-artifact server every lab shares, reachable from the nodes too. */
export { ARTIFACTS_URL } from './paths.ts';
/** Build (once) and return the cached upstream-shaped release artifacts (containerd, runc, CNI). */
export { ensureArtifacts, buildArtifacts } from './artifacts/build.ts';
/** Upstream release paths of each artifact, relative to ARTIFACTS_URL. */
export { artifactLayout } from './artifacts/layout.ts';
/** The artifact server's request log (parsed) and whether it runs. */
export { artifactRequests, artifactServerStatus } from './artifacts/server.ts';
