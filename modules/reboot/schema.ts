// reboot's arguments: Ansible's names and defaults (ansible.builtin.reboot).
import type { FromSchema } from 'json-schema-to-ts';

const seconds = { type: 'integer', minimum: 0 } as const;

/** reboot's arguments; every one optional, as in Ansible. */
export const rebootSchema = {
  type: 'object',
  properties: {
    reboot_timeout: seconds,
    connect_timeout: { type: 'integer', minimum: 1 },
    pre_reboot_delay: seconds,
    post_reboot_delay: seconds,
    test_command: { type: 'string', minLength: 1 },
    msg: { type: 'string' },
    reboot_command: { type: 'string', minLength: 1, pattern: '\\S' },
    boot_time_command: { type: 'string', minLength: 1 },
    search_paths: { type: 'array', items: { type: 'string', pattern: '^/' }, minItems: 1 },
  },
  additionalProperties: false,
} as const;

/** reboot's arguments as ajv checked them. */
export type RebootArgs = FromSchema<typeof rebootSchema>;

/** Ansible's defaults. */
export const DEFAULTS = {
  rebootTimeout: 600,
  testCommand: 'whoami',
  msg: 'Reboot initiated by Ansible',
  bootTimeCommand: 'cat /proc/sys/kernel/random/boot_id',
  // ansible-core's list (older releases searched only the three sbin directories).
  searchPaths: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'],
} as const;

/** Everything apply needs, defaults applied. */
export interface RebootChange {
  /** The command line that reboots (the shutdown program found on the host, quoted, and its arguments). */
  command: string;
  /** What boot_time_command printed before the reboot. */
  bootId: string;
  bootTimeCommand: string;
  testCommand: string;
  rebootTimeout: number;
  /** connect_timeout: limits each login and each command of the wait; without it, the run's connect timeout and the task's timeout do. */
  connectTimeout?: number;
  postRebootDelay: number;
}
