// Ansible's expansion of `$VAR`, `${VAR}` and a leading `~` (Python's os.path.expandvars, then
// expanduser) in the command module's words (expand_argument_vars) and in chdir/creates/removes (type
// path), done on the host, where the module's environment is: each word that needs it becomes a shell
// variable set by a few lines of script. Values never pass through the shell's own expansion: a variable
// is read with printenv (so an unset one stays as written, as in Python), and literal parts are quoted.
import { shellQuote } from '../../engine/quote.ts';

// Python's posixpath._varprog (re.ASCII): $name or ${anything but a brace}.
const VAR = /\$(\w+|\{[^}]*\})/g;

/** Whether `word` has anything Python's expandvars or expanduser would look at. */
export function needsExpansion(word: string): boolean {
  return word.includes('$') || word.startsWith('~');
}

/**
 * Shell lines setting the function fp_tilde: prints its argument with a leading `~` or `~user`
 * expanded as Python's expanduser (HOME, else the passwd entry; an unknown user leaves it as it is),
 * followed by '.', so trailing newlines survive the command substitution.
 */
export const TILDE_FUNCTION = [
  'fp_tilde() {',
  `  case $1 in '~'*) ;; *) printf '%s.' "$1"; return 0 ;; esac`,
  '  fp_u=${1#?}; fp_r=',
  '  case $fp_u in */*) fp_r=/${fp_u#*/}; fp_u=${fp_u%%/*} ;; esac',
  '  if [ -z "$fp_u" ]; then',
  '    if fp_h=$(printenv HOME); then :',
  '    elif fp_h=$(getent passwd "$(id -u)"); then fp_h=$(printf %s "$fp_h" | cut -d: -f6)',
  `    else printf '%s.' "$1"; return 0; fi`,
  '  else',
  // A number is a uid to getent, not a name to Python's getpwnam.
  `    case $fp_u in *[!0-9]*) ;; *) printf '%s.' "$1"; return 0 ;; esac`,
  `    fp_h=$(getent passwd "$fp_u") || { printf '%s.' "$1"; return 0; }`,
  '    fp_h=$(printf %s "$fp_h" | cut -d: -f6)',
  '  fi',
  '  while case $fp_h in */) true ;; *) false ;; esac; do fp_h=${fp_h%/}; done',
  `  fp_h=$fp_h$fp_r; printf '%s.' "\${fp_h:-/}"`,
  '}',
].join('\n');

/**
 * Shell lines that set the shell variable `name` to `word` expanded. Each `$VAR` is read with printenv
 * (an unset one keeps its text); the result then goes through fp_tilde (TILDE_FUNCTION must come first).
 */
export function expandInto(name: string, word: string): string[] {
  const lines: string[] = [];
  let value = '';
  let last = 0;
  let n = 0;
  for (const m of word.matchAll(VAR)) {
    const at = m.index ?? 0;
    if (at > last) value += shellQuote(word.slice(last, at));
    let env = m[1] as string;
    if (env.startsWith('{')) env = env.slice(1, -1);
    // An empty name, or one printenv would read as an option, is never set in Python's environ either.
    if (env === '' || env.startsWith('-')) value += shellQuote(m[0]);
    else {
      const v = `${name}_${n++}`;
      lines.push(`${v}=$(printenv ${shellQuote(env)} && echo .) && ${v}=\${${v}%??} || ${v}=${shellQuote(m[0])}`);
      value += `"$${v}"`;
    }
    last = at + m[0].length;
  }
  if (last < word.length || value === '') value += shellQuote(word.slice(last));
  lines.push(`${name}=${value}`, `${name}=$(fp_tilde "$${name}") && ${name}=\${${name}%?}`);
  return lines;
}
