import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { assertSupportedMajor, parseCosignVersion } from '../../src/cosign/version.ts';

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
