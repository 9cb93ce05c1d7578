// get_url: the host downloads a URL (curl or wget) into a file, verified by sha256, written atomically.
//
// No-op cost: one remote command (downloader probe, dest stat and sha256, and the upstream .sha256sum
// file when `checksum: sha256:<url>`). With `force` and no checksum the probe streams the URL through
// sha256 without writing anything, so check mode knows whether the content differs; a real change then
// downloads once more. `checksum_src`/`checksum_dest` are sha256 (Ansible reports sha1 there).
// Check mode plans against the state earlier tasks would leave (a download directory, the file itself)
// and records the file a planned download would write, with its expected sha256 and origin URL.
// Every request (download, checksum file, check mode's HEAD) carries url_username/url_password,
// force_basic_auth, headers, http_agent and use_proxy (request.ts); the password and headers travel on
// stdin, never on a command line. tmp_dest must be a directory when a download happens (Ansible's
// check); backup copies dest to `<dest>.<pid>.<time>~` first and reports `backup_file`.
import { defineModule } from '../../engine/module.ts';
import { applyGetUrl } from './apply.ts';
import { decideGetUrlTask } from './decide.ts';
import { predictGetUrl } from './predict.ts';
import { probeGetUrl } from './probe.ts';
import { getUrlSchema, type GetUrlArgs } from './schema.ts';
import type { GetUrlChange, GetUrlFacts } from './types.ts';

export { downloadScript } from './apply.ts';
export type { DownloadJob } from './types.ts';

/** The get_url module. */
export const getUrlModule = defineModule<GetUrlArgs, GetUrlFacts, GetUrlChange>({
  name: 'get_url',
  summary: 'The host downloads a URL into a file, verified by sha256, written atomically.',
  runsOn: 'host',
  schema: getUrlSchema,
  // The alias too, in case a task's arguments are read before the rename.
  secretArgs: ['url_password', 'password'],
  probe: (args, view) => probeGetUrl(args, view),
  decide: (_args, facts, view) => decideGetUrlTask(facts, view),
  apply: (change, host) => applyGetUrl(change, host),
  predict: (decision, predicted) => predictGetUrl(decision, predicted),
});
