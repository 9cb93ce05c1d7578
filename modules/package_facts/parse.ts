// dpkg-query's listing as Ansible's package_facts returns it for apt: each installed package's name maps
// to the list of its installed versions ({name, version, arch, category, source: 'apt'}).
import { setOwn } from '../../engine/inventory/own-properties.ts';

/** One installed package as Ansible's package_facts returns it for apt. */
export interface PackageFact {
  name: string;
  version: string;
  arch: string;
  category: string;
  source: 'apt';
}

/** The one read: the native architecture, then one tab-separated line per package dpkg knows. */
export const PACKAGE_FACTS_COMMAND =
  "dpkg --print-architecture && LC_ALL=C dpkg-query -W -f '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n'";

// dpkg's current status (the second letter of db:Status-Abbrev) of a package with no installed version.
const NOT_INSTALLED = ['n', 'c'];

/**
 * Parses the read's output. A package of a foreign architecture is named `name:arch`, as python-apt's
 * cache (which Ansible reads) names it; one of the native architecture or `all` by its name.
 */
export function parseDpkgQuery(stdout: string): Record<string, PackageFact[]> {
  const [native = '', ...lines] = stdout.split('\n');
  const packages: Record<string, PackageFact[]> = {};
  for (const line of lines) {
    const [status = '', pkg = '', version = '', arch = '', section = ''] = line.split('\t');
    if (pkg === '' || NOT_INSTALLED.includes(status.charAt(1))) continue;
    const name = arch === native.trim() || arch === 'all' || arch === '' ? pkg : `${pkg}:${arch}`;
    const fact: PackageFact = { name, version, arch, category: section, source: 'apt' };
    if (Object.hasOwn(packages, name)) packages[name]?.push(fact);
    else setOwn(packages, name, [fact]);
  }
  return packages;
}
