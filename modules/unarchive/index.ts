// unarchive: unpack a tar (gz/xz/bz2/zst) or zip archive into an existing directory on the host.
//
// Idempotence without state on the host: the plan compares every member of the archive (after
// extra_opts such as --strip-components) with the path under dest: type, sha256, mode, link target.
// That notices a new archive version and drift (a file deleted or altered) alike, in one remote command.
// The manifest of an archive version is cached on the controller (see manifestCache.ts), so a no-op run
// does not decompress the archive; and the sha256 of the archive and of every dest file is remembered
// with the file's identity (lib/hashCache.ts), so a no-op run stats them instead of hashing.
// Apply unpacks into a staging directory in dest and renames only the differing members into place.
// `owner`/`group`/`mode` apply to every extracted member (symlinks keep their mode), as Ansible sets them
// after extracting; a member off only in those is fixed in place. `exclude` (tar --exclude, unzip -x)
// and `include` shape the manifest; `keep_newer` (tar only) keeps a dest file newer than its member
// (tar's mtime against dest's). `copy: false` is `remote_src: true`; io_buffer_size and decrypt are
// accepted (a vault-encrypted controller archive is not decrypted). The result reports dest's uid, gid,
// owner, group, mode, size and state, read with the members' stat.
// Check mode plans against what earlier tasks would leave: a dest directory they create, member paths
// they write or remove, and a remote src they download (its manifest comes from the controller's cache
// by the predicted sha256, else from streaming its origin URL); it records every member it would write.
import { defineModule } from '../../engine/module.ts';
import { applyUnarchive } from './apply.ts';
import { decideUnarchive } from './decide.ts';
import { predictUnarchive } from './predict.ts';
import { probeUnarchive } from './probe.ts';
import { unarchiveSchema, type UnarchiveArgs } from './schema.ts';
import type { UnarchiveChange, UnarchiveFacts } from './types.ts';

/** The unarchive module. */
export const unarchiveModule = defineModule<UnarchiveArgs, UnarchiveFacts, UnarchiveChange>({
  name: 'unarchive',
  summary: 'Unpack a tar or zip archive into a directory on the host.',
  runsOn: 'host',
  schema: unarchiveSchema,
  probe: (args, view) => probeUnarchive(args, view),
  decide: (_args, facts, view) => decideUnarchive(facts, view),
  apply: (change, host) => applyUnarchive(change, host),
  predict: (decision, predicted) => predictUnarchive(decision, predicted),
});
