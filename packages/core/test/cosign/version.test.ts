import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { type Exec, ToolError } from '../../src/exec.ts';
import { assertSupportedMajor, detectCosignVersion, parseCosignVersion, parseVersionJson, parseVersionText } from '../../src/cosign/version.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('parseCosignVersion (cosign-version input)', () => {
  it.each([
    ['3.0.2', '3.0.2'],
    ['v3.0.2', '3.0.2'],
    [' v2.5.0 ', '2.5.0'],
    ['3.0.0-rc.1', '3.0.0-rc.1'],
  ])('accepts %j', (input, want) => {
    expect(parseCosignVersion(input)).toBe(want);
  });

  it.each(['', 'latest', '3', '3.0', '^3.0.0', '~3.0', '3.x', 'v3.0.2+meta', 'vv3.0.2', '03.0.2', 'main', '3.0.2; rm -rf /'])('refuses %j naming cosign-version', (input) => {
    expect(() => parseCosignVersion(input)).toThrow(InputError);
    try {
      parseCosignVersion(input);
    } catch (e) {
      expect((e as InputError).input).toBe('cosign-version');
    }
  });

  it('refuses cosign 1.x', () => {
    expect(() => parseCosignVersion('1.13.1')).toThrow(/too old/);
  });

  it('knows which majors the argument builders support', () => {
    expect(assertSupportedMajor('2.5.0')).toBe(2);
    expect(assertSupportedMajor('3.1.3')).toBe(3);
    expect(() => assertSupportedMajor('4.0.0')).toThrow(/not supported/);
  });
});

describe('parsing cosign version output', () => {
  it('reads the captured `cosign version --json` of the Debian 2.5.0 build (gitVersion "devel": no version)', () => {
    expect(parseVersionJson(fixture('cosign-2.5.0-version.json'))).toEqual({ version: undefined, gitVersion: 'devel', source: 'json' });
  });

  it('reads the captured text output too', () => {
    expect(parseVersionText(fixture('cosign-2.5.0-version.txt'))).toEqual({ version: undefined, gitVersion: 'devel', source: 'text' });
  });

  it.each([
    ['v2.5.0', '2.5.0'],
    ['v3.1.3+dirty', '3.1.3'],
    ['v3.0.0-rc.1', '3.0.0-rc.1'],
    ['3.0.6', '3.0.6'],
    ['(devel)', undefined],
  ])('release gitVersion %j -> %j', (gitVersion, want) => {
    // The official builds print the same JSON shape as the captured one, with a tag in gitVersion.
    const json = fixture('cosign-2.5.0-version.json').replace('"devel"', JSON.stringify(gitVersion));
    expect(parseVersionJson(json)?.version).toBe(want);
    expect(parseVersionText(fixture('cosign-2.5.0-version.txt').replace('devel', gitVersion))?.version).toBe(want);
  });

  it('returns undefined for other output', () => {
    expect(parseVersionJson('not json')).toBeUndefined();
    expect(parseVersionJson('{"major":"2"}')).toBeUndefined();
    expect(parseVersionText('cosign: something')).toBeUndefined();
  });
});

describe('detectCosignVersion', () => {
  const text = fixture('cosign-2.5.0-version.txt').replace('devel', 'v1.5.2');

  it('uses `cosign version --json`', async () => {
    const calls: string[][] = [];
    const exec: Exec = async (_file, args) => {
      calls.push([...args]);
      return { exitCode: 0, stdout: fixture('cosign-2.5.0-version.json').replace('"devel"', '"v2.5.0"'), stderr: '' };
    };
    await expect(detectCosignVersion(exec, '/x/cosign')).resolves.toEqual({ version: '2.5.0', gitVersion: 'v2.5.0', source: 'json' });
    expect(calls).toEqual([['version', '--json']]);
  });

  it('falls back to the text output when --json is unknown (old cosign)', async () => {
    const exec: Exec = async (file, args) => {
      if (args.includes('--json')) throw new ToolError(file, args, 1, '', 'Error: unknown flag: --json', 'Error: unknown flag: --json');
      return { exitCode: 0, stdout: '', stderr: text };
    };
    await expect(detectCosignVersion(exec, '/x/cosign')).resolves.toEqual({ version: '1.5.2', gitVersion: 'v1.5.2', source: 'text' });
  });

  it('does not retry a missing binary', async () => {
    let n = 0;
    const exec: Exec = async (file, args) => {
      n++;
      throw new ToolError(file, args, 127, '', '', `${file} not found on PATH`);
    };
    await expect(detectCosignVersion(exec, '/nope/cosign')).rejects.toThrow(/not found/);
    expect(n).toBe(1);
  });

  it('says so when neither output has a version line', async () => {
    const exec: Exec = async () => ({ exitCode: 0, stdout: 'hello', stderr: '' });
    await expect(detectCosignVersion(exec, '/x/cosign')).rejects.toThrow(/could not tell which cosign/);
  });
});
