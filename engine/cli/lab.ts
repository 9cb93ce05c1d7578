// `engine lab up|down|status`: the local fleet of real Debian nodes (systemd-nspawn + sshd).
import { labDown, labStatus, labUp, type LabImage } from '../../lab/index.ts';
import { FleetError } from '../errors.ts';
import { int, parseCommand, str, type OptionSpec } from './args.ts';

const options: OptionSpec = {
  nodes: { type: 'string', short: 'n' },
  image: { type: 'string' },
  name: { type: 'string' },
  first: { type: 'string' },
};

/** Help text of `lab`. */
export const labHelp = `Usage: engine lab up [--nodes N] [--image clean|legacy] [--name NAME]
       engine lab down [--name NAME]
       engine lab status [--name NAME]

Boots N real Debian 12 nodes (systemd, sshd, apt) as systemd-nspawn containers on this machine, each
reachable as root at 127.0.1.<i>:22 with a generated key. Images are built on first use and cached
under /var/cache/fleetplay/images (clean: a minimal Debian; legacy: docker.io + containerd + runc
installed and containerd.service masked, as before the migration). Needs root.

The default lab is named 'kube' with 3 legacy nodes: node1..node3 at 127.0.1.1-3, matching the
committed inventory/kube. The lab writes its inventory and known_hosts under
/var/lib/fleetplay/labs/NAME/, so host key checking stays on.`;

/** Runs `engine lab ...`; returns the exit code. */
export async function labCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [action, ...rest] = argv;
  const p = parseCommand(rest, options);
  if (p.values.help || !action || action === '--help' || action === '-h') {
    out(labHelp + '\n');
    return action ? 0 : 4;
  }
  const name = str(p, 'name') ?? 'kube';
  switch (action) {
    case 'up': {
      const image = (str(p, 'image') ?? 'legacy') as LabImage;
      if (image !== 'clean' && image !== 'legacy') throw new FleetError('arguments', `--image must be clean or legacy, got '${image}'`);
      const state = await labUp({ nodes: int(p, 'nodes', 3), image, name, first: int(p, 'first', 1), log: (l) => out(`${l}\n`) });
      out(`lab '${state.name}' is up: ${state.nodes.map((n) => `${n.name}=${n.address}`).join(' ')}\n`);
      out(`inventory: ${state.inventoryFile}\n`);
      return 0;
    }
    case 'down':
      await labDown({ name });
      out(`lab '${name}' is down\n`);
      return 0;
    case 'status': {
      const s = await labStatus({ name });
      if (!s) {
        out(`lab '${name}' is not up\n`);
        return 1;
      }
      for (const [i, n] of s.nodes.entries())
        out(`${n.name.padEnd(10)} ${n.address.padEnd(12)} pid ${n.pid} ${s.running[i] ? 'running' : 'STOPPED'}\n`);
      return s.running.every(Boolean) ? 0 : 1;
    }
    default:
      throw new FleetError('arguments', `unknown lab action '${action}' (up, down, status)`);
  }
}
