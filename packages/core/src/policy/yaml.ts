/*
 * A tiny deterministic YAML emitter for the fixed, JSON-shaped documents of this module (objects, arrays, strings,
 * finite numbers, booleans, null). The `yaml` package is a dev dependency of the repository only; core is bundled
 * into every action, so core does not take it on for a few policy files. Tests parse every emitted document back
 * with `yaml` and compare it to the input.
 *
 * Rules: two-space indentation, keys in insertion order; a string is plain only when it is unambiguous in YAML 1.1
 * and 1.2 (no bool/null/number look-alikes, no indicator characters), multi-line strings are literal blocks (|),
 * everything else is double-quoted with JSON escapes (a subset of YAML's double-quoted escapes).
 */

export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };
type Scalar = string | number | boolean | null;
type Mapping = Record<string, unknown>;

// Starts with a letter, digit, "/" or "_", then only characters that are never YAML indicators in plain scalars.
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./@-]*$/;
// YAML 1.1 booleans/null and anything number-like stay quoted (a 1.1 parser would retype them).
const AMBIGUOUS = /^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?(?:\.?[0-9][0-9_.:eE+-]*|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|\.inf|\.nan))$/i;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029\ufeff]/;

/**
 * YAML text of a JSON-shaped value. Takes `unknown` so that typed documents (interfaces, which TypeScript does not
 * see as index signatures) need no cast; anything that is not JSON-shaped is refused at run time.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  if (isScalar(value)) return `${scalar(value)}\n`;
  const collection = value as object;
  if (isEmptyCollection(collection)) return Array.isArray(collection) ? '[]\n' : '{}\n';
  emitBlock(collection, 0, lines);
  return `${lines.join('\n')}\n`;
}

function isScalar(v: unknown): v is Scalar {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v === 'object') return false;
  throw new Error(`internal: cannot emit a ${typeof v} as YAML`);
}

/** Mapping entries; undefined values are left out, as JSON.stringify does. */
function entries(v: Mapping): Array<[string, unknown]> {
  return Object.entries(v).filter((e) => e[1] !== undefined);
}

function isEmptyCollection(v: object): boolean {
  return Array.isArray(v) ? v.length === 0 : entries(v as Mapping).length === 0;
}

function emitBlock(value: object, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (item === undefined) throw new Error('internal: cannot emit undefined in a YAML sequence');
      emitItem(item, indent, `${pad}- `, lines);
    }
    return;
  }
  for (const [k, v] of entries(value as Mapping)) emitItem(v, indent, `${pad}${key(k)}:`, lines, true);
}

/** One mapping entry ("key:") or sequence item ("- "), with its value inline or as a nested block. */
function emitItem(v: unknown, indent: number, head: string, lines: string[], isKey = false): void {
  const sep = isKey ? ' ' : '';
  if (isScalar(v) || isEmptyCollection(v as object)) {
    if (typeof v === 'string' && isBlockString(v)) {
      emitLiteral(v, head + sep, indent + 2, lines);
      return;
    }
    lines.push(`${head}${sep}${isScalar(v) ? scalar(v) : Array.isArray(v) ? '[]' : '{}'}`);
    return;
  }
  const collection = v as object;
  if (isKey) {
    lines.push(head);
    emitBlock(collection, indent + 2, lines);
    return;
  }
  // "- " followed by a nested collection: its first line shares the dash line.
  const nested: string[] = [];
  emitBlock(collection, indent + 2, nested);
  const first = nested[0] ?? '';
  lines.push(`${head}${first.slice(indent + 2)}`, ...nested.slice(1));
}

function key(k: string): string {
  return PLAIN.test(k) && !AMBIGUOUS.test(k) ? k : quoted(k);
}

function scalar(v: Scalar): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`internal: cannot emit the number ${v} as YAML`);
    return String(v);
  }
  return PLAIN.test(v) && !AMBIGUOUS.test(v) ? v : quoted(v);
}

function quoted(s: string): string {
  // JSON escapes are valid YAML double-quoted escapes; JSON leaves U+0085/U+2028/U+2029/U+FEFF raw, YAML may
  // treat them as line breaks or a BOM, so those are escaped too.
  return JSON.stringify(s).replace(/[\u0085\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Multi-line text that a literal block represents exactly (PEM keys, Rego). */
function isBlockString(s: string): boolean {
  if (!s.includes('\n') || UNPRINTABLE.test(s) || s.includes('\r')) return false;
  // A literal block cannot start with an empty line followed by spaces-only content in a way some parsers agree on,
  // nor hold lines of only spaces before the first content line: keep those quoted.
  const body = s.replace(/\n+$/, '');
  if (body === '' || /^\s*\n/.test(body) || /(^|\n) +(\n|$)/.test(body)) return false;
  return true;
}

function emitLiteral(s: string, head: string, indent: number, lines: string[]): void {
  const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, -trailing);
  // An indentation indicator is needed when the first line starts with a space.
  const indicator = body.startsWith(' ') ? '2' : '';
  lines.push(`${head}|${indicator}${chomp}`);
  const pad = ' '.repeat(indent);
  for (const line of body.split('\n')) lines.push(line === '' ? '' : `${pad}${line}`);
  for (let i = 1; i < trailing; i++) lines.push('');
}
