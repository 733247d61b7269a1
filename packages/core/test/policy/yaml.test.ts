import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../src/policy/yaml.ts';

describe('toYaml', () => {
  it.each<[string, unknown, string]>([
    ['a mapping with nested mappings and sequences', { a: 1, b: { c: [true, null, 'x'] }, d: [] }, 'a: 1\nb:\n  c:\n    - true\n    - null\n    - x\nd: []\n'],
    ['mappings in a sequence share the dash line', [{ a: 'b', c: { d: 'e' } }, { f: [] }], '- a: b\n  c:\n    d: e\n- f: []\n'],
    ['a sequence of sequences', [['a', 'b'], []], '- - a\n  - b\n- []\n'],
    ['strings that look like other types are quoted', { y: 'y', no: 'no', n: '1.2.3', t: 'true', e: '', h: '#x', s: 'a b', colon: 'a: b' }, '"y": "y"\n"no": "no"\n"n": "1.2.3"\nt: "true"\ne: ""\nh: "#x"\ns: "a b"\ncolon: "a: b"\n'],
    ['a PEM becomes a literal block (one trailing newline: clip)', { k: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 'k: |\n  -----BEGIN PUBLIC KEY-----\n  AAAA\n  -----END PUBLIC KEY-----\n'],
    ['no trailing newline: strip', { k: 'a\nb' }, 'k: |-\n  a\n  b\n'],
    ['two trailing newlines: keep', { k: 'a\n\n' }, 'k: |+\n  a\n\n'],
    ['a first line starting with a space gets an indentation indicator', { k: ' a\nb\n' }, 'k: |2\n   a\n  b\n'],
    ['a block string in a sequence', ['x\ny\n'], '- |\n  x\n  y\n'],
    ['undefined values are left out', { a: undefined, b: 1 }, 'b: 1\n'],
    ['empty top-level collections', {}, '{}\n'],
    ['line separators are escaped', { k: 'a\u2028b' }, 'k: "a\\u2028b"\n'],
    ['control characters are escaped', { k: 'a\u0007b\nc' }, 'k: "a\\u0007b\\nc"\n'],
  ])('%s', (_name, value, text) => {
    expect(toYaml(value)).toBe(text);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it.each<[string, unknown]>([
    ['a function', { f: () => 1 }],
    ['undefined in a sequence', [undefined]],
    ['an infinite number', { n: Infinity }],
  ])('refuses %s', (_name, value) => {
    expect(() => toYaml(value)).toThrow(/internal: cannot emit/);
  });

  // Strings built to hit every branch of the plain/quoted/block decision; each must parse back unchanged.
  const tricky = ['-', '- a', '? a', '!tag', '&a', '*a', '@at', '`x`', '%x', '{a}', '[a]', 'a,b', '|', '>', "'", '"', 'a #b', 'a:', ' a', 'a ', '0x1F', '0o17', '1e3', '.5', '-1', '+1', '~', 'Null', 'NULL', 'yes', 'On', 'OFF', '2026-01-01', '12:30', 'sha256:ab', 'a\tb', 'x\n\ny', '\nx', 'x\n \ny\n', 'x\r\ny', 'ünïcode', '\ufeffbom', 'x\u0085y'];
  it('round-trips strings with YAML indicators, number/bool look-alikes and odd whitespace', () => {
    for (const s of tricky) {
      const value = { [s]: s, list: [s, { [s]: [s] }] };
      expect(parse(toYaml(value)), JSON.stringify(s)).toEqual(value);
    }
  });
});
