// The module registry: every module fleetplay knows, by name and alias.
import { createModuleRegistry, shortModuleName } from '../engine/moduleRegistry.ts';
import type { ModuleDefinition, ModuleRegistry } from '../engine/types.ts';
import { getUrlModule } from './get_url/index.ts';
import { unarchiveModule } from './unarchive/index.ts';
import { modprobeModule } from './modprobe/index.ts';
import { kernelBlacklistModule } from './kernel_blacklist/index.ts';
import { sysctlModule } from './sysctl/index.ts';
import { systemdModule } from './systemd/index.ts';
import { aptModule } from './apt/index.ts';
import { lineinfileModule } from './lineinfile/index.ts';
import { iniFileModule } from './ini_file/index.ts';
import { findFilesModule } from './find/index.ts';
import { replaceModule } from './replace/index.ts';
import { commandModule } from './command/index.ts';
import { shellModule } from './shell/index.ts';
import { assertModule } from './assert/index.ts';
import { debugModule } from './debug/index.ts';
import { failModule } from './fail/index.ts';
import { setFactModule } from './set_fact/index.ts';
import { setupModule } from './setup/index.ts';
import { copyModule } from './copy/index.ts';
import { fileModule } from './file/index.ts';
import { metaModule } from './meta/index.ts';
import { statModule } from './stat/index.ts';
import { templateModule } from './template/index.ts';
import { waitForModule } from './wait_for/index.ts';
import { aptKeyModule } from './apt_key/index.ts';
import { deb822RepositoryModule } from './deb822_repository/index.ts';
import { aptRepositoryModule } from './apt_repository/index.ts';
import { timezoneModule } from './timezone/index.ts';
import { tempfileModule } from './tempfile/index.ts';
import { pingModule } from './ping/index.ts';
import { dpkgSelectionsModule } from './dpkg_selections/index.ts';
import { includeVarsModule } from './include_vars/index.ts';
import { packageModule } from './package/index.ts';
import { getentModule } from './getent/index.ts';
import { groupModule } from './group/index.ts';
import { userModule } from './user/index.ts';
import { slurpModule } from './slurp/index.ts';
import { fetchModule } from './fetch/index.ts';
import { assembleModule } from './assemble/index.ts';
import { mountModule } from './mount/index.ts';
import { serviceFactsModule } from './service_facts/index.ts';
import { packageFactsModule } from './package_facts/index.ts';
import { hostnameModule } from './hostname/index.ts';
import { pauseModule } from './pause/index.ts';
import { waitForConnectionModule } from './wait_for_connection/index.ts';
import { rebootModule } from './reboot/index.ts';
import { synchronizeModule } from './synchronize/index.ts';
import { otherPackageManagerModules } from './other_package_managers/index.ts';
import { uriModule } from './uri/index.ts';

const all: ModuleDefinition[] = [
  getUrlModule,
  unarchiveModule,
  systemdModule,
  modprobeModule,
  kernelBlacklistModule,
  sysctlModule,
  aptModule,
  aptKeyModule,
  deb822RepositoryModule,
  aptRepositoryModule,
  dpkgSelectionsModule,
  lineinfileModule,
  iniFileModule,
  replaceModule,
  commandModule,
  shellModule,
  copyModule,
  fileModule,
  templateModule,
  statModule,
  findFilesModule,
  debugModule,
  setFactModule,
  includeVarsModule,
  setupModule,
  assertModule,
  failModule,
  metaModule,
  waitForModule,
  timezoneModule,
  tempfileModule,
  pingModule,
  packageModule,
  getentModule,
  groupModule,
  userModule,
  slurpModule,
  fetchModule,
  assembleModule,
  mountModule,
  uriModule,
  serviceFactsModule,
  packageFactsModule,
  hostnameModule,
  pauseModule,
  waitForConnectionModule,
  rebootModule,
  synchronizeModule,
  ...otherPackageManagerModules,
];

/** Every module fleetplay has: what the CLI (the composition root) hands to the loader and the run. */
export const moduleRegistry: ModuleRegistry = createModuleRegistry(all);

export { shortModuleName };

/** Finds a module by the key used in a task, or undefined. */
export function findModule(key: string): ModuleDefinition | undefined {
  return moduleRegistry.find(key);
}

/** Names of every module, for suggestions in error messages. */
export function moduleNames(): string[] {
  return moduleRegistry.names();
}
