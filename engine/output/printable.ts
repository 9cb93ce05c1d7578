// What reaches the terminal: text from hosts, inventories and playbooks must not drive the terminal.
//
// A host's output (or a host name, a task name, an error excerpt) holding escape sequences could
// rewrite earlier lines ("\x1b[2K\rFAKE ok"), clear the screen or retitle the window. Control
// characters other than newline and tab are shown as escapes instead. Colour codes (SGR, `ESC[…m`) are
// kept: fleetplay's own output uses them, and they cannot move the cursor or erase anything.

// C0 controls but \t and \n, DEL, and C1 controls; ESC is handled apart so that SGR colours survive.
const CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g;

/** `text` with every control character but newline, tab and SGR colour codes written as an escape. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => (c.length > 1 ? c : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
