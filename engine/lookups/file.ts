// lookup('file', 'motd.txt'): a controller file's text, searched as copy's src (the role's files/, the task
// file's folder and its files/, the playbook's folder and its files/); `rstrip` (default true) and `lstrip`.
import { readControllerFile, MAX_CONTENT_BYTES } from '../controllerFile.ts';
import { problem } from '../expr/error.ts';
import { findInSearchPath, searchedFolders } from './search.ts';
import { booleanOption, stringTerm, type LookupPlugin } from './types.ts';

/** file: the contents of each file named. */
export const fileLookup: LookupPlugin = {
  options: ['lstrip', 'rstrip'],
  run(terms, options, place) {
    const lstrip = options.has('lstrip') ? booleanOption(options.get('lstrip'), 'lstrip') : false;
    const rstrip = options.has('rstrip') ? booleanOption(options.get('rstrip'), 'rstrip') : true;
    return terms.map((term) => {
      const name = stringTerm(term, 'file');
      const found = findInSearchPath(name, 'files', place);
      if (!found) return problem(`could not locate file in lookup: ${name} (looked in ${searchedFolders(name, 'files', place)})`);
      let text = readText(found, 'file lookup');
      if (lstrip) text = text.trimStart();
      if (rstrip) text = text.trimEnd();
      return text;
    });
  },
};

/** A controller file's text (UTF-8), within the content limit; a refusal is the lookup's problem. */
export function readText(file: string, what: string): string {
  try {
    return readControllerFile(file, { what, maxBytes: MAX_CONTENT_BYTES }).toString('utf8');
  } catch (err) {
    return problem((err as Error).message);
  }
}
