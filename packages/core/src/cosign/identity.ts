import { InputError } from '../errors.ts';

export const REPOSITORY_INPUT = 'repository';
export const IDENTITY_REGEXP_INPUT = 'certificate-identity-regexp';
export const WORKFLOW_INPUT = 'workflow';
export const WORKFLOW_REF_INPUT = 'ref-pattern';
export const SERVER_URL_INPUT = 'server-url';

/**
 * Escapes every character that is special in Go's RE2 syntax (and in JS regexps): \ . + * ? ( ) | [ ] { } ^ $
 * so an interpolated value matches only itself.
 */
export function escapeRegexp(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** Validates owner/repo (GitHub's rules: owner 1-39 of [A-Za-z0-9-] not starting with "-"; repo of [A-Za-z0-9._-], not "." or ".."). */
export function parseRepository(value: string, input = REPOSITORY_INPUT): { owner: string; repo: string; full: string } {
  const v = value.trim();
  const fix = 'give the repository as owner/repo, e.g. octo-org/app';
  const parts = v.split('/');
  if (parts.length !== 2) throw new InputError(input, `"${v}" is not owner/repo`, fix);
  const [owner, repo] = parts as [string, string];
  if (!OWNER.test(owner)) throw new InputError(input, `"${v}" has an invalid owner "${owner}"`, fix);
  if (!REPO.test(repo) || repo === '.' || repo === '..' || repo.endsWith('.git')) throw new InputError(input, `"${v}" has an invalid repository name "${repo}"`, fix);
  return { owner, repo, full: `${owner}/${repo}` };
}

export type RefPattern = 'tags' | 'branches' | 'any' | `refs/${string}` | `sha:${string}`;

export interface IdentityRegexpOptions {
  /** GitHub server URL (GITHUB_SERVER_URL); https://github.com by default. */
  serverUrl?: string;
  /** The repository that holds the signing workflow, owner/repo. */
  workflowRepository: string;
  /** Path of the signing workflow inside that repository, e.g. .github/workflows/release.yml. */
  workflowPath: string;
  /**
   * Which refs may have run it: any tag, any branch, any ref or commit (a caller that pins the workflow by SHA gets
   * an identity ending in @<40 hex>, without refs/), exactly one ref (refs/tags/v1.2.3), or exactly one commit
   * (sha:<40 hex>).
   */
  refPattern: RefPattern | string;
}

/**
 * Builds the certificate identity regexp for a GitHub Actions workflow, e.g.
 * `^https://github\.com/owner/repo/\.github/workflows/release\.yml@refs/tags/.+$`.
 * Anchored at both ends (cosign matches with Go's regexp.MatchString, which is unanchored) and every
 * interpolated part escaped, so "owner/repo" cannot also match "owner/repo-evil" or "xowner/repo".
 */
export function buildIdentityRegexp(opts: IdentityRegexpOptions): string {
  const server = parseServerUrl(opts.serverUrl ?? 'https://github.com');
  const { full } = parseRepository(opts.workflowRepository);
  const workflow = parseWorkflowPath(opts.workflowPath);
  const ref = refRegexp(opts.refPattern);
  return `^${escapeRegexp(server)}/${escapeRegexp(full)}/${escapeRegexp(workflow)}@${ref}$`;
}

function parseServerUrl(value: string): string {
  const fix = 'give the GitHub server URL, e.g. https://github.com or https://ghes.example.com';
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new InputError(SERVER_URL_INPUT, `"${value}" is not a URL`, fix);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new InputError(SERVER_URL_INPUT, `"${value}" is not an http(s) URL`, fix);
  if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) throw new InputError(SERVER_URL_INPUT, `"${value}" has a path, query or credentials`, fix);
  return `${u.protocol}//${u.host}`;
}

function parseWorkflowPath(value: string): string {
  const v = value.trim().replace(/^\.\//, '');
  const fix = 'give the workflow file path inside the repository, e.g. .github/workflows/release.yml';
  if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(v)) throw new InputError(WORKFLOW_INPUT, `"${value}" is not a workflow file under .github/workflows/`, fix);
  if (/[@\s]/.test(v) || v.includes('..')) throw new InputError(WORKFLOW_INPUT, `"${value}" contains "@", ".." or whitespace`, fix);
  return v;
}

const SHA = /^[0-9a-f]{40}$/;

function refRegexp(pattern: string): string {
  const p = pattern.trim();
  if (p === 'tags') return 'refs/tags/.+';
  if (p === 'branches') return 'refs/heads/.+';
  if (p === 'any') return '(?:refs/.+|[0-9a-f]{40})';
  const fix = 'use tags, branches, any, one exact ref such as refs/tags/v1.2.3 or refs/heads/main, or one commit as sha:<40 hex characters>';
  if (p.startsWith('sha:') || SHA.test(p)) {
    const sha = p.replace(/^sha:/, '');
    if (!SHA.test(sha)) throw new InputError(WORKFLOW_REF_INPUT, `"${pattern}" is not sha: and a full 40-character lower-case commit SHA`, fix);
    return sha;
  }
  if (!p.startsWith('refs/') || p.length <= 'refs/'.length) throw new InputError(WORKFLOW_REF_INPUT, `"${pattern}" is not tags, branches, any or a full ref`, fix);
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f~^:?*[\\]/.test(p) || p.includes('..') || p.endsWith('/') || p.endsWith('.lock')) {
    throw new InputError(WORKFLOW_REF_INPUT, `"${pattern}" is not a valid git ref`, fix);
  }
  return escapeRegexp(p);
}

/**
 * Anchors a user-given identity regexp at both ends (cosign/Go match unanchored: "owner/repo" would also match
 * "https://evil.example/owner/repo-fork") and checks it is in the subset both JS and Go's RE2 understand.
 * `a|b` becomes `^(?:a|b)$`, not `^a|b$` (which anchors only the first alternative).
 */
export function anchorRegexp(userRegexp: string, input = IDENTITY_REGEXP_INPUT): string {
  const re = userRegexp.trim();
  if (re === '') throw new InputError(input, 'is empty', 'give a regexp for the signing identity, e.g. ^https://github\\.com/owner/repo/\\.github/workflows/release\\.yml@refs/tags/.+$');
  refuseNonRe2(re, input);
  let core = re;
  const hadStart = core.startsWith('^');
  if (hadStart) core = core.slice(1);
  const hadEnd = endsWithAnchor(core);
  if (hadEnd) core = core.slice(0, -1);
  const anchored = hasTopLevelAlternation(core) ? `^(?:${core})$` : `^${core}$`;
  let compiled: RegExp;
  try {
    compiled = new RegExp(anchored);
  } catch (error) {
    throw new InputError(input, `"${re}" does not compile: ${error instanceof Error ? error.message : String(error)}`, 'fix the regexp syntax (Go RE2 syntax, without lookarounds or backreferences)');
  }
  if (compiled.test('') || compiled.test('https://attacker.invalid/evil/.github/workflows/x.yml@refs/heads/main')) {
    throw new InputError(input, `"${re}" matches any identity`, 'name the repository and workflow, e.g. ^https://github\\.com/owner/repo/\\.github/workflows/release\\.yml@refs/tags/.+$');
  }
  return anchored;
}

/** Refuses constructs JS accepts but Go's RE2 does not (lookarounds, backreferences), which would behave differently in cosign. */
function refuseNonRe2(re: string, input: string): void {
  const fix = "Go's RE2 (which cosign uses) has no lookarounds or backreferences; express the identity without them";
  if (/\(\?<?[=!]/.test(re)) throw new InputError(input, `"${re}" uses a lookaround ((?=, (?!, (?<=, (?<!)`, fix);
  // \1..\9 and \k<name> outside a character class are backreferences in JS; RE2 rejects them.
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const next = re[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) throw new InputError(input, `"${re}" uses a backreference (\\${next})`, fix);
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
  }
}

/** True when the regexp ends with an unescaped "$". */
function endsWithAnchor(re: string): boolean {
  if (!re.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = re.length - 2; i >= 0 && re[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** True when "|" appears outside any group or character class. */
function hasTopLevelAlternation(re: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
