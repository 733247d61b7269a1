/** GitHub Actions filter patterns (on.push.tags), so tests can ask which tags a release workflow reacts to. */

/** A filter pattern as a RegExp: * ** ? + [] and a leading ! are understood. */
export function filterPatternToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (c === '?' || c === '+') {
      out += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unterminated [ in ${pattern}`);
      out += pattern.slice(i, end + 1);
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += `\\${pattern[++i]}`;
    } else out += c.replace(/[.^$|(){}]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether a pushed tag matches a list of filter patterns (later !patterns exclude, as GitHub evaluates them). */
export function tagMatches(patterns: readonly string[], tag: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (filterPatternToRegExp(p.slice(1)).test(tag)) matched = false;
    } else if (filterPatternToRegExp(p).test(tag)) matched = true;
  }
  return matched;
}
