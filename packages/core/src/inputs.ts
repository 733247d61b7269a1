import { InputError } from './errors.ts';

/** Reads raw inputs; a seam so the checklist in main.ts is testable without process.env. */
export type InputReader = (name: string) => string;

export function envInputs(env: NodeJS.ProcessEnv = process.env): InputReader {
  // The runner's rule: INPUT_<NAME upper-cased, spaces to _>; dashes are kept.
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Newline- or comma-separated list (Docker's actions convention); blank entries and # comments dropped. */
export function parseList(value: string, opts: { commas?: boolean } = {}): string[] {
  const commas = opts.commas ?? true;
  return value
    .split(/\r?\n/)
    .flatMap((line) => (commas ? line.split(',') : [line]))
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

export function parseBoolean(value: string, input: string, fallback: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(input, `"${value}" is not a boolean`, 'use true or false');
}

/** KEY=VALUE lines (labels, build-args, annotations). Values may contain commas and '='. */
export function parseKeyValues(value: string, input: string): Array<[string, string]> {
  return parseList(value, { commas: false }).map((line) => {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(input, `"${line}" is not KEY=VALUE`, 'give one KEY=VALUE per line');
    const key = line.slice(0, eq).trim();
    if (key.startsWith('-')) throw new InputError(input, `key "${key}" starts with "-"`, 'keys never start with "-"');
    return [key, line.slice(eq + 1)];
  });
}

export function requireInput(read: InputReader, name: string, example: string): string {
  const v = read(name);
  if (v === '') throw new InputError(name, 'is required but empty', `set it, e.g. ${name}: ${example}`);
  return v;
}

/** Refuses values that would smuggle an option into a tool's argv. */
export function refuseOptionLike(value: string, input: string): string {
  if (value.startsWith('-')) throw new InputError(input, `"${value}" starts with "-" and would be read as an option`, 'give a value, not a flag');
  return value;
}
