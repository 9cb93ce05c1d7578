// The engine's command line (started by engine/index.ts).
import './memory.ts';
import { FleetError } from './errors.ts';
import { printable } from './output/printable.ts';
import { processSecrets } from './secrets.ts';
import { versionLine } from './version.ts';

const HELP = `fleetplay: declarative, idempotent playbooks over SSH, in the style of Ansible.

Usage: engine <command> [options]

Commands:
  run PLAYBOOK -i INVENTORY    run a playbook (use --check first to see what would change)
  validate PLAYBOOK [-i INV]   check a playbook (and inventory) without contacting any host
  inventory -i INV --list      show the inventory (--list, --graph, --host NAME)
  report merge A.json B.json…  merge the reports of the slices of one run (run --slice I/N)
  schema playbook|tasks|inventory   JSON Schema for editors (completion, red squiggles)
  doc MODULE | doc --list      a module's arguments, aliases, defaults and an example (as ansible-doc)
  lab up|down|status           the local lab fleet of real Debian nodes

Run 'engine <command> --help' for the options of a command; 'engine --version' for the version.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (s: string) => void process.stdout.write(printable(s));
  switch (command) {
    // Each command loads only its own code: `run` never loads the lab, `lab` never loads ssh2.
    case 'run':
      return (await import('./cli/run.ts')).runCommand(rest, out);
    case 'validate':
      return (await import('./cli/validate.ts')).validateCommand(rest, out);
    case 'inventory':
      return (await import('./cli/inventory.ts')).inventoryCommand(rest, out);
    case 'doc':
      return (await import('./cli/doc.ts')).docCommand(rest, out);
    case 'report':
      return (await import('./cli/report.ts')).reportCommand(rest, out);
    case 'schema':
      return (await import('./cli/schema.ts')).schemaCommand(rest, out);
    case 'lab':
      return (await import('./cli/lab.ts')).labCommand(rest, out);
    case '--version':
    case '-V':
    case 'version':
      out(versionLine());
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(HELP + '\n');
      return command === undefined ? 4 : 0;
    default:
      process.stderr.write(`unknown command '${command}'\n\n${HELP}\n`);
      return 4;
  }
}

// A reader that goes away (`engine doc --list | head`) ends the output, not the command with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

let settled = false;
// A command whose work is left waiting on something that can never happen (input that never comes)
// would otherwise end with exit 0 when Node runs out of things to do: a CI job would call it a success.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('internal error: the command stopped before it finished (nothing left to wait for)\n');
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err: unknown) => {
    settled = true;
    const redact = (s: string) => processSecrets.redact(s);
    if (err instanceof FleetError) {
      process.stderr.write(`error: ${printable(redact(err.format()))}\n`);
      process.exitCode = 4;
    } else if (err instanceof Error && err.name === 'LabError') {
      // The lab's expected failures (a port taken, a missing package) say what to do; no stack trace.
      process.stderr.write(`error: ${printable(err.message)}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`internal error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
      process.exitCode = 1;
    }
  },
);
