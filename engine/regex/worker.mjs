// The backtracking regex engine's worker thread (engine/regex/backtrack.ts starts it): runs JavaScript RegExps
// translated from Python patterns that need backreferences or lookaround. The controller waits on `state` with a
// time budget and terminates this thread when the budget runs out, so a catastrophic pattern cannot freeze a run.
// Plain JavaScript so that it starts without a TypeScript loader, from the sources or from a bundle.
import { parentPort, workerData } from 'node:worker_threads';

const { state, port } = workerData;
const cache = new Map();

// The compiled forms of one pattern: `g` to search from a position, `y` to match at one, the full match, and a
// test without match indices (`d` costs time on every match).
function compiled(source, flags) {
  const key = `${flags}:${source}`;
  let forms = cache.get(key);
  if (!forms) {
    forms = {
      search: new RegExp(source, `dgu${flags}`),
      sticky: new RegExp(source, `dyu${flags}`),
      full: new RegExp(`(?:${source})(?![\\s\\S])`, `yu${flags}`),
      test: new RegExp(source, `u${flags}`),
    };
    if (cache.size >= 64) cache.clear();
    cache.set(key, forms);
  }
  return forms;
}

function toMatch(m) {
  const spans = m.indices.map((span) => (span ? [span[0], span[1]] : undefined));
  return { start: m.index, end: m.index + m[0].length, groups: [...m], spans };
}

function exec(re, text, from) {
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? toMatch(m) : null;
}

// re.finditer as the RE2 engine does it (compile.ts): an empty match may follow a non-empty one at the same
// position, but not another empty match there: the search then moves on one character.
function findAll(re, text) {
  const found = [];
  let pos = 0;
  let afterEmpty = false;
  while (pos <= text.length) {
    const m = exec(re, text, pos);
    if (!m) break;
    if (afterEmpty && m.end === pos) {
      if (pos >= text.length) break;
      pos += (text.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
      afterEmpty = false;
      continue;
    }
    found.push(m);
    afterEmpty = m.start === m.end;
    pos = m.end;
  }
  return found;
}

function run(job) {
  const forms = compiled(job.source, job.flags);
  switch (job.op) {
    case 'search':
      return exec(forms.search, job.text, job.from);
    case 'match':
      return exec(forms.sticky, job.text, 0);
    case 'full':
      forms.full.lastIndex = 0;
      return forms.full.test(job.text);
    case 'findAll':
      return findAll(forms.search, job.text);
    case 'testEach':
      return job.texts.map((text) => forms.test.test(text));
    default:
      throw new Error(`unknown operation ${job.op}`);
  }
}

parentPort.on('message', (job) => {
  let answer;
  try {
    answer = { ok: true, value: run(job) };
  } catch (err) {
    answer = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(answer);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});

Atomics.store(state, 1, 1);
Atomics.notify(state, 1);
