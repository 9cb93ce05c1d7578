// yum, dnf, rpm_key, yum_repository, zypper and zypper_repository: a role's RedHat or SUSE tasks validate,
// are never run behind a false when, and fail with the reason on a host that reaches them.
import { describe, expect, it } from 'vitest';
import { messages, project, runProject, statuses } from '../../lookups/harness.ts';

describe('package modules of other distributions', () => {
  it('are skipped behind a false when, and fail naming the module and what to use instead when reached', async () => {
    const dir = project({
      'play.yml': `- hosts: all
  gather_facts: false
  vars: { os_family: Debian }
  tasks:
    - name: rpm only
      ansible.builtin.yum: { name: containerd.io, state: present, enablerepo: docker }
      when: os_family == 'RedHat'
    - name: suse repo
      community.general.zypper_repository: { name: docker, repo: "https://example.invalid/docker.repo" }
      when: os_family == 'Suse'
    - name: reached
      rpm_key: { key: "https://example.invalid/gpg" }
      ignore_errors: true
    - name: dnf reached
      dnf: { name: curl }
      ignore_errors: true
`,
    });
    const r = await runProject(dir);
    expect(statuses(r, 'rpm only')).toEqual(['skipped']);
    expect(statuses(r, 'suse repo')).toEqual(['skipped']);
    expect(statuses(r, 'reached')).toEqual(['failed']);
    expect(messages(r, 'reached')[0]).toBe(
      'rpm_key manages RPM signing keys (RedHat family); fleetplay manages Debian hosts only (use apt_key, or deb822_repository with signed_by), so this task cannot run here. Roles guard such tasks with a when on ansible_facts.os_family',
    );
    expect(messages(r, 'dnf reached')[0]).toMatch(/^dnf manages RPM packages with dnf \(RedHat family\); .*\(use apt or package\)/);
  });
});
