// ini_file's text edit: community.general.ini_file's rules, with cases taken from its integration tests.
import { describe, expect, it } from 'vitest';
import type { IniFileArgs } from '../../../../modules/ini_file/schema.ts';
import { iniSpec } from '../../../../modules/ini_file/index.ts';
import { editIni, normalizeIniText, pyEscape } from '../../../../modules/ini_file/ini.ts';

/** Runs the edit with the module's own defaults for `args`. */
function ini(text: string, args: Omit<IniFileArgs, 'path'>) {
  const spec = iniSpec({ path: '/etc/x.ini', ...args } as IniFileArgs);
  if (typeof spec === 'string') throw new Error(spec);
  return editIni(normalizeIniText(text), spec);
}

describe('ini_file present', () => {
  it('adds a section and option to a new (empty) file, with the leading blank line Ansible writes', () => {
    expect(ini('', { section: 'drinks', option: 'fav', value: 'lemonade' })).toEqual({
      content: '\n[drinks]\nfav = lemonade\n',
      changed: true,
      msg: 'section and option added',
    });
  });

  it('is idempotent, and adds a second option after the last option line of the section', () => {
    const text = '\n[drinks]\nfav = lemonade\n';
    expect(ini(text, { section: 'drinks', option: 'fav', value: 'lemonade' })).toEqual({ content: text, changed: false, msg: 'OK' });
    expect(ini(`${text}\n# trailing comment\n[food]\nx = 1\n`, { section: 'drinks', option: 'beverage', value: 'coke' })).toEqual({
      content: '\n[drinks]\nfav = lemonade\nbeverage = coke\n\n# trailing comment\n[food]\nx = 1\n',
      changed: true,
      msg: 'option added',
    });
  });

  it('changes a value in place and rewrites the spacing', () => {
    expect(ini('[a]\nk=1\nz = 2\n', { section: 'a', option: 'k', value: '2' })).toEqual({
      content: '[a]\nk = 2\nz = 2\n',
      changed: true,
      msg: 'option changed',
    });
    expect(ini('[a]\nk = 1\n', { section: 'a', option: 'k', value: 1 }).changed).toBe(false);
  });

  it('writes before the first section when section is null (the alvistack modprobe.d usage)', () => {
    const args = { section: null, option: 'options overlay', value: 'metacopy=on', no_extra_spaces: true };
    expect(ini('', args)).toEqual({ content: 'options overlay=metacopy=on\n\n', changed: true, msg: 'option added' });
    expect(ini('options overlay=metacopy=on\n\n', args).changed).toBe(false);
    expect(ini('[drinks]\nbeverage = water\n', { section: null, option: 'like', value: 'tea' }).content).toBe(
      'like = tea\n[drinks]\nbeverage = water\n',
    );
    expect(ini('\n[drinks]\nbeverage = water\n', { option: 'like', value: 'tea' }).content).toBe(
      'like = tea\n\n[drinks]\nbeverage = water\n',
    );
  });

  it('adds the missing final newline, which alone counts as a change', () => {
    expect(ini('[a]\nk = 1', { section: 'a', option: 'k', value: '1' })).toEqual({ content: '[a]\nk = 1\n', changed: true, msg: 'OK' });
  });

  it('reads as Python does: BOM dropped, CRLF normalized (and kept when nothing else changes)', () => {
    expect(ini('\uFEFF[a]\r\nk = 1\r\n', { section: 'a', option: 'k', value: '1' }).changed).toBe(false);
    expect(ini('\uFEFF[a]\r\nk = 1\r\n', { section: 'a', option: 'k', value: '2' }).content).toBe('[a]\nk = 2\n');
  });

  it('matches section headers with inner spaces and leaves a longer name alone', () => {
    expect(ini('[ a ]\nk = 1\n[ab]\n', { section: 'a', option: 'k', value: '2' }).content).toBe('[ a ]\nk = 2\n[ab]\n');
    expect(ini('[ab]\nk = 1\n', { section: 'a', option: 'k', value: '1' }).content).toBe('[ab]\nk = 1\n[a]\nk = 1\n');
  });

  it('matches the option literally (regex characters escaped) and not as a prefix', () => {
    expect(pyEscape('a.b*')).toBe('a\\.b\\*');
    expect(ini('[a]\na.b = 1\naxb = 1\nkey2 = x\n', { section: 'a', option: 'a.b', value: '2' }).content).toBe(
      '[a]\na.b = 2\naxb = 1\nkey2 = x\n',
    );
    expect(ini('[a]\nkey2 = x\n', { section: 'a', option: 'key', value: 'y' }).content).toBe('[a]\nkey2 = x\nkey = y\n');
  });

  it('with exclusive (the default) sets the values and removes other lines of the option', () => {
    const text = '[d]\nbeverage = coke\nbeverage = pepsi\nbeverage = water\n';
    expect(ini(text, { section: 'd', option: 'beverage', values: ['pepsi', 'tea'] })).toEqual({
      content: '[d]\nbeverage = tea\nbeverage = pepsi\n',
      changed: true,
      msg: 'option changed',
    });
    expect(ini(text, { section: 'd', option: 'beverage', values: ['pepsi', 'tea'], exclusive: false }).content).toBe(
      `${text}beverage = tea\n`,
    );
    expect(ini('', { section: 'd', option: 'b', values: ['x', 'y', 'x'] }).content).toBe('\n[d]\nb = x\nb = y\n');
  });

  it('replaces a commented option line unless modify_inactive_option is false, and keeps doc mentions', () => {
    const text = '\n[section1]\n# Uncomment the line below to enable foo\n  # foo = bar\n\n';
    expect(ini(text, { section: 'section1', option: 'foo', value: 'bar' })).toEqual({
      content: '\n[section1]\n# Uncomment the line below to enable foo\nfoo = bar\n\n',
      changed: true,
      msg: 'option changed',
    });
    expect(ini(text, { section: 'section1', option: 'foo', value: 'bar', modify_inactive_option: false })).toEqual({
      content: '\n[section1]\nfoo = bar\n# Uncomment the line below to enable foo\n  # foo = bar\n\n',
      changed: true,
      msg: 'option added',
    });
    const php = '[PHP]\n; output_buffering\n;output_buffering = 4096\n';
    expect(ini(php, { section: 'PHP', option: 'output_buffering', value: '123' }).content).toBe(
      '[PHP]\n; output_buffering\noutput_buffering = 123\n',
    );
  });

  it('ignore_spaces leaves a line whose value only differs in spacing', () => {
    expect(ini('[a]\nk=v\n', { section: 'a', option: 'k', value: 'v', ignore_spaces: true }).changed).toBe(false);
    expect(ini('[a]\nk=v\n', { section: 'a', option: 'k', value: 'v' }).content).toBe('[a]\nk = v\n');
  });

  it('allow_no_value writes a bare option once', () => {
    const r = ini('', { section: 'mysqld', option: 'skip-name', allow_no_value: true });
    expect(r).toEqual({ content: '\n[mysqld]\nskip-name\n', changed: true, msg: 'section and option added' });
    expect(ini(r.content, { section: 'mysqld', option: 'skip-name', allow_no_value: true }).changed).toBe(false);
    expect(ini('[mysqld]\nx = 1\n', { section: 'mysqld', option: 'skip-name', allow_no_value: true }).content).toBe(
      '[mysqld]\nx = 1\nskip-name\n',
    );
  });

  it('adds only a section when no option is given', () => {
    expect(ini('[a]\n', { section: 'b', allow_no_value: true })).toEqual({
      content: '[a]\n[b]\n',
      changed: true,
      msg: 'only section added',
    });
    expect(ini('[a]\n[b]\n', { section: 'b', allow_no_value: true }).changed).toBe(false);
  });
});

describe('ini_file section_has_values', () => {
  const wg =
    '[Interface]\nAddress = 10.4.0.1/24\n[Peer]\nAllowedIps = 10.4.0.11/32\nPublicKey = a\n[Peer]\nAllowedIps = 10.4.0.12/32\nPublicKey = b\n';
  const peer = (ip: string) => [{ option: 'AllowedIps', value: ip }];

  it('picks the section of that name holding the value (the wireguard example)', () => {
    expect(ini(wg, { section: 'Peer', section_has_values: peer('10.4.0.12/32'), option: 'PublicKey', value: 'x' }).content).toBe(
      wg.replace('PublicKey = b', 'PublicKey = x'),
    );
    expect(ini(wg, { section: 'Peer', section_has_values: peer('10.4.0.11/32'), state: 'absent' })).toEqual({
      content: '[Interface]\nAddress = 10.4.0.1/24\n[Peer]\nAllowedIps = 10.4.0.12/32\nPublicKey = b\n',
      changed: true,
      msg: 'section removed',
    });
  });

  it('adds a new section with the required options when none qualifies', () => {
    expect(ini(wg, { section: 'Peer', section_has_values: peer('10.4.0.13/32'), option: 'PublicKey', value: 'c' }).content).toBe(
      `${wg}[Peer]\nAllowedIps = 10.4.0.13/32\nPublicKey = c\n`,
    );
  });
});

describe('ini_file absent', () => {
  it('removes every active line of the option, leaving comments', () => {
    expect(ini('[a]\nk = 1\n# k = 2\nk=3\nz = 1\n', { section: 'a', option: 'k', state: 'absent' })).toEqual({
      content: '[a]\n# k = 2\nz = 1\n',
      changed: true,
      msg: 'option changed',
    });
  });

  it('removes only the given values when exclusive is false', () => {
    const text = '[d]\nb = coke\nb = pepsi\n';
    expect(ini(text, { section: 'd', option: 'b', values: ['coke'], exclusive: false, state: 'absent' }).content).toBe('[d]\nb = pepsi\n');
    expect(ini(text, { section: 'd', option: 'b', exclusive: false, state: 'absent' }).changed).toBe(false);
  });

  it('removes a whole section, and changes nothing for a missing one', () => {
    expect(ini('\n[drinks]\nfav = lemonade\n[food]\nx = 1\n', { section: 'drinks', state: 'absent' })).toEqual({
      content: '\n[food]\nx = 1\n',
      changed: true,
      msg: 'section removed',
    });
    expect(ini('[food]\n', { section: 'drinks', state: 'absent' })).toEqual({ content: '[food]\n', changed: false, msg: 'OK' });
  });
});

describe('ini_file arguments', () => {
  it('needs a value for state=present unless allow_no_value, and refuses absent without option and section', () => {
    expect(iniSpec({ path: '/x', section: 's', option: 'o' })).toBe(
      "Parameter 'value(s)' must be defined if state=present and allow_no_value=False.",
    );
    expect(iniSpec({ path: '/x', state: 'absent' })).toMatch(/needs an option or a section/);
  });

  it("converts numbers and booleans as Python's str() does", () => {
    expect(ini('', { option: 'a', values: [true, 3, 'x'] }).content).toBe('a = True\na = 3\na = x\n\n');
  });
});
