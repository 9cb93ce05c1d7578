// What the user module's steps hand each other.
import type { PredictedFile } from '../../engine/types.ts';
import type { AccountDb, GroupEntry, PasswordState, UserEntry } from '../group/accounts.ts';

/** The task's arguments with Ansible's defaults filled in; `groups` split on commas. */
export interface UserRequest {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  nonUnique: boolean;
  group?: string;
  /** Undefined: not managed; []: none besides the primary group. */
  groups?: string[];
  append: boolean;
  shell?: string;
  home?: string;
  createHome: boolean;
  moveHome: boolean;
  system: boolean;
  comment?: string;
  password?: string;
  updatePassword: 'always' | 'on_create';
  passwordLock?: boolean;
  remove: boolean;
  force: boolean;
}

/** The /etc/login.defs settings useradd and userdel follow here. */
export interface LoginDefs {
  userGroups: boolean;
  /** Mode of a home directory made (HOME_MODE, else 0777 & ~UMASK). */
  homeMode: string;
  gidMin: number;
  gidMax: number;
  sysGidMin: number;
  sysGidMax: number;
}

/** useradd's defaults (`useradd -D`). */
export interface UseraddDefaults {
  group: number;
  home: string;
  shell: string;
}

/** What probe found, through check mode's prediction. */
export type UserFacts =
  | {
      kind: 'db';
      db: AccountDb;
      defs: LoginDefs;
      defaults: UseraddDefaults;
      /** Whether each path the task may need exists (the user's homes). */
      exists: Record<string, boolean>;
      /** The user's password field, when password or password_lock is asked. */
      password?: PasswordState;
      /** Check mode: the first earlier task whose effects are unknown. */
      opaque?: string;
    }
  | { kind: 'unreadable'; msg: string };

/** The state a change leaves, for check mode: the user, the groups it changes, its password, its home. */
export interface UserAfter {
  user: UserEntry | null;
  groups: Array<[name: string, entry: GroupEntry | null]>;
  password?: PasswordState;
  files: Array<[path: string, state: PredictedFile]>;
}

/** What apply does, in order. */
export interface UserChange {
  name: string;
  /** A home's parent directory to make first (useradd does not make it). */
  parent?: string;
  /** useradd, usermod or userdel, as words; none when only the password or the home changes. */
  argv?: Array<string | number>;
  /** The password field to set, through chpasswd's stdin: never on a command line, never in a message. */
  password?: string;
  /** A missing home directory to make from /etc/skel, as Ansible does for an existing user. */
  makeHome?: { path: string; mode: string };
  after: UserAfter;
  done: string;
}
