/**
 * `${{ }}` evaluation with GitHub's own evaluator (@actions/expressions), plus what it leaves to the runner:
 * template strings, the status functions of `if:`, and the implicit `success() &&` of a condition without one.
 *
 * Strict contexts: GitHub evaluates a misspelt output, input, step id or `needs` entry to an empty string and
 * the run goes on. Locally that is the mistake we want to catch, so contexts whose keys are known (declared
 * inputs and outputs, step ids, the job's `needs`, matrix keys) are Strict: reading a key they do not have
 * fails the evaluation, naming the expression and the keys there are.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { Yaml } from './yaml.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A context (or part of one) whose keys are all known: reading another key is an error. */
export class Strict {
  constructor(
    readonly entries: Record<string, Ctx>,
    /** Why a missing key is a mistake, e.g. "not an output of step plan". */
    readonly hint: string,
  ) {}
}
export type Ctx = Json | Strict | Ctx[] | { [key: string]: Ctx };

export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

export interface Scope {
  /** The contexts available where the expression is (another name is an "Unrecognized named-value" error). */
  contexts: Record<string, Ctx>;
  /** Only where GitHub allows status functions (`if:`). */
  status?: StatusFunctions;
}

export class ExpressionFailure extends Error {
  override name = 'ExpressionFailure';
}

type Data = data.ExpressionData;

class StrictDictionary extends data.Dictionary {
  constructor(
    pairs: Array<{ key: string; value: Data }>,
    private readonly path: string,
    private readonly hint: string,
    private readonly misses: string[],
  ) {
    super(...pairs);
  }

  override get(key: string): Data | undefined {
    const value = super.get(key);
    if (value === undefined) {
      const has = this.pairs().map((p) => p.key);
      this.misses.push(`${this.path}.${key} ${this.hint} (there ${has.length ? `are: ${has.join(', ')}` : 'are none'})`);
    }
    return value;
  }
}

function toData(v: Ctx, path: string, misses: string[]): Data {
  if (v instanceof Strict) return new StrictDictionary(Object.entries(v.entries).map(([k, x]) => ({ key: k, value: toData(x, `${path}.${k}`, misses) })), path, v.hint, misses);
  if (v === null) return new data.Null();
  if (typeof v === 'string') return new data.StringData(v);
  if (typeof v === 'number') return new data.NumberData(v);
  if (typeof v === 'boolean') return new data.BooleanData(v);
  if (Array.isArray(v)) return new data.Array(...v.map((x, i) => toData(x, `${path}[${i}]`, misses)));
  return new data.Dictionary(...Object.entries(v).map(([k, x]) => ({ key: k, value: toData(x, `${path}.${k}`, misses) })));
}

export function toJson(d: Data): Json {
  return JSON.parse(JSON.stringify(d, data.replacer) ?? 'null') as Json;
}

const STATUS = ['success', 'failure', 'cancelled', 'always'];

function statusFunctions(status: StatusFunctions) {
  const fn = (name: string, call: () => boolean) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(call()) }] as const;
  return new Map([fn('success', () => status.success()), fn('failure', () => status.failure()), fn('cancelled', () => status.cancelled()), fn('always', () => true)]);
}

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluate(expr: string, scope: Scope): Data {
  const misses: string[] = [];
  let result: Data;
  try {
    const { tokens } = new Lexer(expr).lex();
    const functions = scope.status ? statusFunctions(scope.status) : undefined;
    const ast = new Parser(tokens, Object.keys(scope.contexts), functions ? [...functions.values()] : []).parse();
    if (ast === undefined) throw new Error('empty expression');
    const context = new data.Dictionary(...Object.entries(scope.contexts).map(([k, v]) => ({ key: k, value: toData(v, k, misses) })));
    result = new Evaluator(ast, context, functions).evaluate();
  } catch (error) {
    throw new ExpressionFailure(`\${{ ${expr.trim()} }}: ${(error as Error).message}`);
  }
  if (misses.length) throw new ExpressionFailure(`\${{ ${expr.trim()} }}: ${[...new Set(misses)].join('; ')}`);
  return result;
}

/** Splits a string into literal text and `${{ }}` expressions (a `}}` inside a '...' literal does not end one). */
export function splitTemplate(s: string): Array<{ text: string } | { expr: string }> {
  const parts: Array<{ text: string } | { expr: string }> = [];
  let i = 0;
  while (i < s.length) {
    const start = s.indexOf('${{', i);
    if (start < 0) break;
    let j = start + 3;
    let quoted = false;
    for (; j < s.length; j++) {
      if (s[j] === "'") quoted = !quoted; // '' inside a literal toggles twice: still inside
      else if (!quoted && s.startsWith('}}', j)) break;
    }
    if (j >= s.length) throw new ExpressionFailure(`unterminated \${{ in ${JSON.stringify(s)}`);
    if (start > i) parts.push({ text: s.slice(i, start) });
    parts.push({ expr: s.slice(start + 3, j) });
    i = j + 2;
  }
  if (i < s.length) parts.push({ text: s.slice(i) });
  return parts;
}

/**
 * A YAML value with its expressions evaluated; a value that is exactly one `${{ }}` keeps the result's type.
 * `what` (e.g. "with.images") prefixes an error, so it names where the expression is.
 */
export function evaluateValue(value: Yaml, scope: Scope, what?: string): Json {
  if (what === undefined) return evaluateValueAt(value, scope);
  try {
    return evaluateValueAt(value, scope);
  } catch (error) {
    throw error instanceof ExpressionFailure ? new ExpressionFailure(`${what}: ${error.message}`) : error;
  }
}

function evaluateValueAt(value: Yaml, scope: Scope): Json {
  if (typeof value !== 'string') {
    if (Array.isArray(value)) return value.map((v) => evaluateValueAt(v, scope));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateValueAt(v, scope)]));
    return value;
  }
  const parts = splitTemplate(value);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && 'expr' in only) return toJson(evaluate(only.expr, scope));
  return parts.map((p) => ('text' in p ? p.text : evaluate(p.expr, scope).coerceString())).join('');
}

/** A scalar as the runner passes it to a step (`with:`, `env:`): booleans and numbers become strings. */
export function evaluateString(value: Yaml | undefined, scope: Scope, what: string): string {
  if (value === undefined || value === null) return '';
  const v = evaluateValue(value, scope, what);
  if (v === null) return '';
  if (typeof v === 'object') throw new ExpressionFailure(`${what}: a ${Array.isArray(v) ? 'sequence' : 'mapping'} was not expected (it must be a string)`);
  return typeof v === 'string' ? v : toData(v, '', []).coerceString();
}

/**
 * An `if:` as GitHub evaluates it: `${{ }}` optional; without a status function it means `success() && (...)`.
 * Text around a `${{ }}` would make GitHub see a non-empty string (always true): refused instead.
 */
export function evaluateCondition(raw: Yaml | undefined, scope: Scope & { status: StatusFunctions }): boolean {
  if (raw === undefined || raw === null) return scope.status.success();
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw !== 0;
  if (typeof raw !== 'string') throw new ExpressionFailure(`if: ${JSON.stringify(raw)} is not a condition`);
  let expr = raw.trim();
  const parts = splitTemplate(expr);
  if (parts.length === 1 && 'expr' in parts[0]!) expr = parts[0].expr;
  else if (parts.some((p) => 'expr' in p)) throw new ExpressionFailure(`if: ${JSON.stringify(raw)} mixes \${{ }} with other text: GitHub would read it as a non-empty string, always true`);
  const { tokens } = new Lexer(expr).lex();
  const hasStatus = tokens.some((t, i) => STATUS.includes(t.lexeme.toLowerCase()) && tokens[i + 1]?.lexeme === '(');
  const d = evaluate(hasStatus ? expr : `success() && (${expr})`, scope);
  return !(d.kind === data.Kind.Null || (d.kind === data.Kind.Boolean && !(d as data.BooleanData).value) || (d.kind === data.Kind.String && d.coerceString() === '') || (d.kind === data.Kind.Number && (d.number() === 0 || Number.isNaN(d.number()))));
}
