// Framing for multi-step remote scripts: several commands in one round trip, each output kept apart.

/** What one framed command printed, and its exit code. */
export interface SectionOutput {
  out: string;
  err: string;
  rc: number;
}

/** The parsed output of a framed script: sections by name, and `@@kv key value` lines. */
export interface ScriptOutput {
  sections: Map<string, SectionOutput>;
  values: Map<string, string>;
}

/**
 * Shell text that runs `command` (already quoted) and prints its stdout framed as section `name`, then its
 * exit code and its stderr with a prefix. stderr is captured apart and printed after the command ends, so
 * the two streams never interleave mid-line. Leaves the exit code in $r.
 */
export function section(name: string, command: string): string {
  return [
    `echo '@@begin ${name}'`,
    `{ e=$( { ${command}; } 2>&1 1>&3 3>&- ); r=$?; } 3>&1`,
    `printf '\\n@@end ${name} %s\\n' "$r"`,
    `[ -z "$e" ] || printf '%s\\n' "$e" | sed 's/^/@@err ${name} /'`,
  ].join('\n');
}

/** Shell text printing one `@@kv` line whose value is the output of a shell expression (already quoted). */
export function keyValue(key: string, expression: string): string {
  return `printf '@@kv ${key} %s\\n' "${expression}"`;
}

/** Parses the output of a script made of section() and keyValue() parts. */
export function parseScript(stdout: string): ScriptOutput {
  const sections = new Map<string, SectionOutput>();
  const values = new Map<string, string>();
  let open: { name: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    if (open) {
      const end = /^@@end (\S+) (\d+)$/.exec(line);
      if (end && end[1] === open.name) {
        // section() prints a newline before @@end, so a final empty line belongs to the framing.
        const lines = open.lines.at(-1) === '' ? open.lines.slice(0, -1) : open.lines;
        sections.set(open.name, { out: lines.join('\n'), err: '', rc: Number(end[2]) });
        open = undefined;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const begin = /^@@begin (\S+)$/.exec(line);
    const err = /^@@err (\S+) (.*)$/.exec(line);
    const kv = /^@@kv (\S+) ?(.*)$/.exec(line);
    if (begin) open = { name: begin[1] as string, lines: [] };
    else if (err) {
      const s = sections.get(err[1] as string);
      if (s) s.err += `${err[2]}\n`;
    } else if (kv) values.set(kv[1] as string, kv[2] as string);
  }
  return { sections, values };
}
