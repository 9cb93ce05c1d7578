// fstab edits as pure text transforms, line for line as Ansible's mount module makes them (ansible.posix
// mount.py: _set_mount_save_old and unset_mount on Linux): other lines and comments are kept as they are.

/** Escapes an fstab field as Ansible does: backslash as \134, space as \040, & as \046. */
export function escapeFstab(value: string): string {
  return value.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

/** The entry set_mount writes (all fields escaped). */
export interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

/** A text edit's result: the new text and whether it differs. */
export interface FstabEdit {
  text: string;
  changed: boolean;
}

/** The lines of a text as Python's readlines gives them (each with its '\n', the last maybe without). */
function lines(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('\n', i);
    if (j < 0) {
      out.push(text.slice(i));
      break;
    }
    out.push(text.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

/** Python's str.split(): words between runs of whitespace. */
function words(s: string): string[] {
  return s.split(/\s+/u).filter((w) => w !== '');
}

/** Whether a line names the mount point (for swap, `none` lines are told apart by their src). */
function matches(ld: Partial<Record<keyof FstabEntry, string>>, escapedPath: string, src: string | undefined): boolean {
  if (ld.path !== escapedPath) return false;
  // Ansible compares a swap line's src with the src as given (not escaped).
  return !(src !== undefined && ld.path === 'none' && ld.fstype === 'swap' && ld.src !== src);
}

/**
 * Adds the entry or updates the lines for its mount point (state present and mounted). A matching line
 * of 4 or 5 fields counts as changed (Ansible compares its missing dump and passno, the number 0, with the
 * string '0') and is rewritten with all six; a trailing `# comment` on a matching line is dropped when it
 * is rewritten. A line without a final newline gets one.
 */
export function setMount(text: string, entry: FstabEntry, src: string | undefined): FstabEdit {
  const out: string[] = [];
  let exists = false;
  let changed = false;
  const format = (e: Partial<FstabEntry>): string => `${e.src} ${e.path} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
  for (const raw of lines(text)) {
    const line = raw.endsWith('\n') ? raw : `${raw}\n`;
    if (line.trim() === '' || line.trim().startsWith('#')) {
      out.push(line);
      continue;
    }
    const fields = words(line.split('#')[0] ?? '');
    if (fields.length < 4 || fields.length > 6) {
      out.push(line);
      continue;
    }
    const [src0, path, fstype, opts, dump, passno] = fields;
    const ld: Partial<FstabEntry> = { src: src0, path, fstype, opts, dump, passno };
    if (!matches(ld, entry.path, src)) {
      out.push(line);
      continue;
    }
    exists = true;
    for (const k of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) {
      if (ld[k] !== entry[k]) {
        ld[k] = entry[k];
        changed = true;
      }
    }
    // As Ansible: once a line changed, every later matching line is written in the canonical form too.
    out.push(changed ? format(ld) : line);
  }
  if (!exists) {
    out.push(format(entry));
    changed = true;
  }
  return { text: changed ? out.join('') : text, changed };
}

/**
 * Removes the lines for the mount point (state absent and absent_from_fstab). As Ansible, only lines of
 * exactly six words count (a line of 4 or 5 fields, or with a trailing comment, is kept).
 */
export function unsetMount(text: string, path: string, src: string | undefined): FstabEdit {
  const out: string[] = [];
  let changed = false;
  const escapedPath = escapeFstab(path);
  for (const line of lines(text)) {
    const fields = words(line);
    if (line.trim() === '' || line.trim().startsWith('#') || fields.length !== 6) {
      out.push(line);
      continue;
    }
    const [src0, name, fstype] = fields;
    if (!matches({ src: src0, path: name, fstype }, escapedPath, src)) {
      out.push(line);
      continue;
    }
    changed = true;
  }
  return { text: out.join(''), changed };
}
