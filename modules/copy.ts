// copy: put literal content, or a controller file, at a path on the host.
import path from 'node:path';
import type { ModuleDefinition } from '../engine/types.ts';
import { wantedAttributes } from './lib/attributes.ts';
import { inspectControllerFile, MAX_CONTENT_BYTES, readControllerFile } from './lib/controllerFile.ts';
import { planFileContent } from './lib/fileContent.ts';
import { accountNameSchema, modeSchema } from './lib/schemas.ts';

/** The copy module. */
export const copyModule: ModuleDefinition = {
  name: 'copy',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      content: { type: 'string' },
      src: { type: 'string' },
      dest: { type: 'string', minLength: 1 },
      mode: modeSchema,
      owner: accountNameSchema,
      group: accountNameSchema,
      force: { type: 'boolean' },
      // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
      format: { enum: ['text', 'json'] },
    },
    required: ['dest'],
    oneOf: [{ required: ['content'] }, { required: ['src'] }],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    let dest = String(args.dest);
    // As in Ansible, a dest ending in '/' is a directory that is created when missing.
    const createParents = dest.endsWith('/');
    let content: string | Buffer;
    if (typeof args.content === 'string') {
      content = args.content;
    } else {
      const src = ctx.resolveLocalPath(String(args.src), 'files');
      const limits = { what: 'copy src', maxBytes: MAX_CONTENT_BYTES };
      if (inspectControllerFile(src, { ...limits, allowDirectory: true }).kind === 'directory') {
        return { kind: 'failed', msg: `copy of directories is not supported yet: ${src}` };
      }
      content = readControllerFile(src, limits);
      if (dest.endsWith('/')) dest = path.posix.join(dest, path.basename(src));
    }
    return planFileContent(ctx, dest, content, wantedAttributes(args), { force: args.force !== false, createParents, ...(args.format === 'json' ? { format: 'json' as const } : {}) });
  },
};
