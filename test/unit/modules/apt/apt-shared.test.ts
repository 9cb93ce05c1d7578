// apt: hosts whose apt inputs have the same digest share one simulation per run; check mode still reads
// each host's own files. Fake hosts answer with canned outputs; the shell parts run under a real /bin/sh.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { UnreachableError } from '../../../../engine/errors.ts';
import type { Plan } from '../../../../engine/types.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import { ownedFilesAfterCommand, withoutOwnedFiles } from '../../../../modules/apt/aptGet.ts';
import { APT_STATE_DIGEST } from '../../../../modules/apt/sharedSimulation.ts';
import { createSlotStore, type SlotStore } from '../../../../engine/stateSlots.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const DOCKER =
  'containerd\tinstall ok installed\t1.6.20~ds1-1+deb12u3\ndocker.io\tinstall ok installed\t20.10.24+dfsg1-1+deb12u1+b6\nrunc\tinstall ok installed\t1.1.5+ds1-1+deb12u1\n';
const SIM = [
  'Reading package lists...',
  'Remv docker.io [20.10.24+dfsg1-1+deb12u1+b6]',
  'Remv containerd [1.6.20~ds1-1+deb12u3]',
  'Remv runc [1.1.5+ds1-1+deb12u1]',
  'Remv tini [0.19.0-1+b3]',
].join('\n');
const framed = (name: string, out: string, rc = 0) => `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n`;
const PROBE = `${framed('dpkg', DOCKER)}@@kv now 100\n@@kv stamp \n@@kv lists 50\n@@kv indexes 1\n`;
const PROBE_MARK = "printf '@@kv now";
const docker = { name: ['docker.io', 'containerd', 'runc'], state: 'absent', autoremove: true };

/** A host with a given apt-input digest; `owned` is what its own file listing prints (check mode). */
function host(name: string, opts: { digest: string; check?: boolean; owned?: string; simFails?: boolean }): FakeHost {
  return fakeHost({
    name,
    check: opts.check ?? false,
    runState: run,
    reply: async (command) => {
      // Let the other hosts' calls interleave, as they do over real connections.
      await new Promise((r) => setTimeout(r, 5));
      // The probe first: it names `apt-get -s` too (an autoremove simulation it leaves out for named work).
      if (command.includes(PROBE_MARK)) return PROBE;
      if (command.includes(APT_STATE_DIGEST)) return `${opts.digest}\n`;
      if (command.includes('apt-get -s')) {
        if (opts.simFails) throw new UnreachableError(name, 'connection dropped while running a command');
        return framed('sim', `${SIM}${opts.check ? `\n${opts.owned ?? ''}` : ''}`);
      }
      if (command.includes('dpkg-query -L')) return framed('sim', `${SIM}\n${opts.owned ?? ''}`);
      return '';
    },
  });
}

const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);
const simulations = (h: FakeHost) => h.commands.filter((c) => c.includes('apt-get -s') && !c.includes(PROBE_MARK)).length;

// Each test is one run: its hosts share the run's state, and nothing is left for the next test.
let run: SlotStore;
beforeEach(() => {
  run = createSlotStore();
});

describe('apt: one simulation for hosts with identical apt inputs', () => {
  it('hosts planning at the same time with one digest run apt-get -s once, and plan the same change', async () => {
    const hosts = ['n1', 'n2', 'n3'].map((n) => host(n, { digest: D1 }));
    const plans = (await Promise.all(hosts.map((h) => planModule(aptModule, docker, h)))) as Array<Extract<Plan, { kind: 'change' }>>;
    expect(hosts.map(simulations)).toEqual([1, 0, 0]);
    for (const p of plans) {
      expect(p.kind).toBe('change');
      expect(p.msg).toBe('remove 4 packages: containerd, docker.io, runc, tini');
      expect(p.diff).toEqual(plans[0]!.diff);
    }
  });

  it('a later run simulates again: a run shares its simulations only with its own hosts (#14)', async () => {
    const first = host('n1', { digest: D1 });
    await planModule(aptModule, docker, first);
    run = createSlotStore();
    const later = host('n2', { digest: D1 });
    await planModule(aptModule, docker, later);
    expect([first, later].map(simulations)).toEqual([1, 1]);
  });

  it('hosts with different digests each simulate', async () => {
    const a = host('n1', { digest: D1 });
    const b = host('n2', { digest: D2 });
    await Promise.all([planModule(aptModule, docker, a), planModule(aptModule, docker, b)]);
    expect([simulations(a), simulations(b)]).toEqual([1, 1]);
  });

  it('a host without a usable digest (no sha256sum) simulates for itself and shares nothing', async () => {
    const a = host('n1', { digest: '' });
    const b = host('n2', { digest: '' });
    await Promise.all([planModule(aptModule, docker, a), planModule(aptModule, docker, b)]);
    expect([simulations(a), simulations(b)]).toEqual([1, 1]);
  });

  it('when the host simulating for the others drops, the next one simulates for itself', async () => {
    const a = host('n1', { digest: D1, simFails: true });
    const b = host('n2', { digest: D1 });
    const [pa, pb] = await Promise.allSettled([planModule(aptModule, docker, a), planModule(aptModule, docker, b)]);
    expect(pa.status).toBe('rejected');
    expect(pb).toMatchObject({
      status: 'fulfilled',
      value: { kind: 'change', msg: 'remove 4 packages: containerd, docker.io, runc, tini' },
    });
    expect(simulations(b)).toBe(1);
  });

  it("check mode: the shared simulation comes with each host's own files, not the first host's", async () => {
    const a = host('n1', { digest: D1, check: true, owned: '@@owned containerd /usr/bin/containerd' });
    const b = host('n2', { digest: D1, check: true, owned: '@@owned containerd /usr/local/sbin/only-on-n2' });
    await Promise.all([planModule(aptModule, docker, a), planModule(aptModule, docker, b)]);
    expect([simulations(a), simulations(b)]).toEqual([1, 0]);
    const listing = b.commands.find((c) => c.includes('dpkg-query -L') && !c.includes(PROBE_MARK) && !c.includes('apt-get -s'))!;
    // n2 lists its files from the simulation n1 ran, without n1's file lines.
    expect(listing).toContain('Remv tini [0.19.0-1+b3]');
    expect(listing).not.toContain('/usr/bin/containerd');
    expect(a.predicted.file('/usr/bin/containerd')).toEqual({ type: 'absent' });
    expect(b.predicted.file('/usr/local/sbin/only-on-n2')).toEqual({ type: 'absent' });
    expect(b.predicted.file('/usr/bin/containerd')).toBeUndefined();
  });
});

describe('the shell parts', () => {
  const local = new LocalConnection('localhost');

  it("the digest of this machine's apt inputs is 64 hex digits and the same twice", async () => {
    const one = await local.exec(`/bin/sh -c ${JSON.stringify(APT_STATE_DIGEST)}`);
    const two = await local.exec(`/bin/sh -c ${JSON.stringify(APT_STATE_DIGEST)}`);
    expect(one.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(two.stdout).toBe(one.stdout);
  });

  it("re-prints another host's simulation byte for byte (quotes and $ included) before this host's file lines", async () => {
    const sim = `Reading package lists...\nRemv no-such-package-fp [1'2 "$HOME" \\n]\n`;
    const r = await local.exec(`/bin/sh -c '${ownedFilesAfterCommand(sim).replace(/'/g, `'\\''`)}'`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith(`${sim}\n`)).toBe(true);
    expect(withoutOwnedFiles(r.stdout)).toBe(`${sim}\n`);
  });
});
