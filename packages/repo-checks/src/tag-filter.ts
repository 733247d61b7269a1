/**
 * GitHub Actions filter patterns (on.push.tags), so tests can ask which tags a release workflow reacts to. The
 * matching is the workflow executor's (packages/testkit), so the checks and the local runs cannot disagree; a
 * check is stricter about one thing: an unterminated [ in our own workflows is a mistake, not a literal.
 */
import { filterMatches, filterRegExp } from '@moam/testkit';

/** A filter pattern as a RegExp: * ** ? + [] and \ escapes (a leading ! is tagMatches' business). */
export function filterPatternToRegExp(pattern: string): RegExp {
  const open = pattern.replace(/\\./g, '').lastIndexOf('[');
  if (open >= 0 && pattern.replace(/\\./g, '').indexOf(']', open) < 0) throw new Error(`unterminated [ in ${pattern}`);
  return filterRegExp(pattern);
}

/** Whether a pushed tag matches a list of filter patterns (later !patterns exclude, as GitHub evaluates them). */
export function tagMatches(patterns: readonly string[], tag: string): boolean {
  for (const p of patterns) filterPatternToRegExp(p.replace(/^!/, ''));
  return filterMatches(patterns, tag);
}
