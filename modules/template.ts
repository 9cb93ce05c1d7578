// template: render a Handlebars file on the controller and put the result at a path on the host.
import type { ModuleDefinition } from '../engine/types.ts';
import { wantedAttributes } from './lib/attributes.ts';
import { MAX_CONTENT_BYTES, readControllerFile } from './lib/controllerFile.ts';
import { planFileContent } from './lib/fileContent.ts';
import { accountNameSchema, modeSchema } from './lib/schemas.ts';

/** The template module. */
export const templateModule: ModuleDefinition = {
  name: 'template',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', minLength: 1 },
      dest: { type: 'string', minLength: 1 },
      mode: modeSchema,
      owner: accountNameSchema,
      group: accountNameSchema,
      force: { type: 'boolean' },
      // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
      format: { enum: ['text', 'json'] },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const src = ctx.resolveLocalPath(String(args.src), 'templates');
    const text = readControllerFile(src, { what: 'template src', maxBytes: MAX_CONTENT_BYTES }).toString('utf8');
    const rendered = ctx.renderFile(text, src);
    return planFileContent(ctx, String(args.dest), rendered, wantedAttributes(args), { force: args.force !== false, ...(args.format === 'json' ? { format: 'json' as const } : {}) });
  },
};
