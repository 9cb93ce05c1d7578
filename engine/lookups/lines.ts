// lookup('lines', 'cat hosts.txt') and with_lines: a controller command's output (as pipe), one item a line.
import { commandOutput } from './pipe.ts';
import { stringTerm, type LookupPlugin } from './types.ts';

/** lines: the lines each command prints. */
export const linesLookup: LookupPlugin = {
  options: [],
  run(terms, _options, place) {
    return terms.flatMap((term) => {
      const out = commandOutput(stringTerm(term, 'lines'), place.playbookDir, place.ahead === true, 'lines');
      return out === '' ? [] : out.split(/\r?\n/);
    });
  },
};
