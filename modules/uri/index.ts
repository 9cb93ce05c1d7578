// uri: the host sends one HTTP request with curl (as Ansible's uri runs on the target) and reports
// Ansible's result: status, url, the headers as lower-case keys, content (return_content), json (a JSON
// answer), redirected, elapsed, msg; it fails when the status is not in status_code.
//
// Every value of the request travels in a curl config on stdin (`curl -K -`), never on a command line:
// the password cannot show in `ps`. The request is sent by apply only, never by a probe (a look ahead
// must not send it early). It reports ok, as Ansible's uri does (changed: false), unless dest was
// rewritten; dest is written atomically and only when its bytes differ (Ansible rewrites it on each 200).
// Check mode sends nothing, whatever the method: Ansible's uri does not support check mode and skips.
// Here the task is unknown and its registered result unknown to later tasks (a changed_when settles its
// status), unless creates/removes settle it.
import { defineModule, type Decision, type ModuleHost, type ModuleView } from '../../engine/module.ts';
import { NOT_RUN_IN_CHECK, type ApplyOutcome } from '../../engine/types.ts';
import { maskUrl } from '../get_url/urlCheck.ts';
import { probeGuards, type CommandFacts } from '../lib/commandSteps.ts';
import { buildRequest, curlConfig, NO_CURL_EXIT, requestScript, type UriRequest } from './request.ts';
import { parseUriOutput, uriResult } from './response.ts';
import { uriSchema, type UriArgs } from './schema.ts';

export { buildRequest, curlConfig, requestScript } from './request.ts';
export { parseUriOutput, uriResult } from './response.ts';

/** The uri module. */
export const uriModule = defineModule<UriArgs, CommandFacts, UriRequest>({
  name: 'uri',
  summary: 'Send one HTTP request from the host and check the answer.',
  runsOn: 'host',
  schema: uriSchema,
  // Both the name and its alias: the engine masks what the task wrote, before aliases are renamed.
  secretArgs: ['url_password', 'password'],
  probe: (args, view) => probeGuards(args, view),
  decide: (args, facts, view) => decideUri(args, facts, view),
  apply: (req, host) => applyUri(req, host),
});

/** The decision: skipped by creates/removes, refused arguments, not sent in check mode, or the request. */
export function decideUri(args: UriArgs, facts: CommandFacts, view: Pick<ModuleView, 'check'>): Decision<UriRequest> {
  if (facts.skippedBy) return { kind: 'ok', msg: facts.skippedBy, data: { stdout: facts.skippedBy, skipped_by: facts.skippedBy } };
  const req = buildRequest(args);
  if (typeof req === 'string') return { kind: 'failed', msg: req };
  const shown = `${req.method} ${maskUrl(req.url)}`;
  if (view.check) {
    return {
      kind: 'unknown',
      msg: `check mode does not send ${shown} (Ansible's uri does not run in check mode)`,
      data: { [NOT_RUN_IN_CHECK]: `check mode does not send ${shown}` },
    };
  }
  return { kind: 'change', msg: `send ${shown}`, summary: [{ verb: 'send', object: 'HTTP request' }], change: req };
}

/** Sends the request from the host and reports Ansible's result. */
export async function applyUri(req: UriRequest, host: ModuleHost): Promise<ApplyOutcome> {
  const r = await host.run(requestScript(req), { stdin: curlConfig(req) });
  const url = maskUrl(req.url);
  if (r.exitCode === NO_CURL_EXIT) return { kind: 'failed', msg: r.stderr.trim(), data: { status: -1, url } };
  if (r.exitCode !== 0) {
    const where = req.dest !== undefined ? `writing ${req.dest} failed` : `${req.method} ${url} failed`;
    return { kind: 'failed', msg: `${where}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data: { status: -1, url } };
  }
  const out = parseUriOutput(r.stdout);
  const { failed, msg, data } = uriResult(req, out);
  if (failed) return { kind: 'failed', msg, data };
  return { kind: out.dest === 'written' ? 'changed' : 'ok', msg, data };
}
