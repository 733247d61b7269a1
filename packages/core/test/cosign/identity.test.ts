import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { anchorRegexp, buildIdentityRegexp, escapeRegexp, parseRepository } from '../../src/cosign/identity.ts';

function inputOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof InputError ? e.input : `not an InputError: ${String(e)}`;
  }
  return undefined;
}

const base = { workflowRepository: 'owner/repo', workflowPath: '.github/workflows/release.yml' };

describe('buildIdentityRegexp', () => {
  it('builds the anchored, escaped identity of a tag-triggered workflow', () => {
    expect(buildIdentityRegexp({ ...base, refPattern: 'tags' })).toBe('^https://github\\.com/owner/repo/\\.github/workflows/release\\.yml@refs/tags/.+$');
  });

  it.each([
    ['branches', '@refs/heads/.+$'],
    ['any', '@(?:refs/.+|[0-9a-f]{40})$'],
    [`sha:${'ab'.repeat(20)}`, `@${'ab'.repeat(20)}$`],
    ['ab'.repeat(20), `@${'ab'.repeat(20)}$`],
    ['refs/tags/v1.2.3', '@refs/tags/v1\\.2\\.3$'],
    ['refs/heads/release/1.x', '@refs/heads/release/1\\.x$'],
  ])('ref pattern %s', (refPattern, tail) => {
    expect(buildIdentityRegexp({ ...base, refPattern }).endsWith(tail)).toBe(true);
  });

  // A caller that pins the reusable workflow by SHA is signed as ...multi-arch.yml@<40 hex>, without refs/.
  it.each<[string, string, boolean]>([
    ['any', 'refs/tags/v1', true],
    ['any', 'a'.repeat(40), true],
    ['any', 'a'.repeat(39), false],
    ['any', `${'a'.repeat(40)}0`, false],
    ['tags', 'a'.repeat(40), false],
    ['branches', 'a'.repeat(40), false],
    [`sha:${'a'.repeat(40)}`, 'a'.repeat(40), true],
    [`sha:${'a'.repeat(40)}`, 'b'.repeat(40), false],
    [`sha:${'a'.repeat(40)}`, 'refs/tags/v1', false],
    ['refs/tags/v1', 'a'.repeat(40), false],
  ])('ref pattern %s and a signer at %s: %s', (refPattern, ref, matches) => {
    const re = new RegExp(buildIdentityRegexp({ ...base, refPattern }));
    expect(re.test(`https://github.com/owner/repo/.github/workflows/release.yml@${ref}`)).toBe(matches);
  });

  it('matches the real identity and nothing next to it (Go and JS agree on this subset)', () => {
    const re = new RegExp(buildIdentityRegexp({ ...base, refPattern: 'tags' }));
    expect(re.test('https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1.2.3')).toBe(true);
    for (const other of [
      'https://github.com/owner/repo/.github/workflows/release.yml@refs/heads/main',
      'https://github.com/owner/repo-evil/.github/workflows/release.yml@refs/tags/v1',
      'https://github.com/xowner/repo/.github/workflows/release.yml@refs/tags/v1',
      'https://githubXcom/owner/repo/.github/workflows/release.yml@refs/tags/v1',
      'https://github.com/owner/repo/.github/workflows/releaseXyml@refs/tags/v1',
      'https://evil.example/?https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1',
      'https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/',
    ]) {
      expect(re.test(other), other).toBe(false);
    }
  });

  it('escapes dots in repository names and uses the server URL (GHES)', () => {
    const re = buildIdentityRegexp({ serverUrl: 'https://ghes.example.com/', workflowRepository: 'Org-1/my.app', workflowPath: './.github/workflows/ci.yaml', refPattern: 'refs/heads/main' });
    expect(re).toBe('^https://ghes\\.example\\.com/Org-1/my\\.app/\\.github/workflows/ci\\.yaml@refs/heads/main$');
  });

  it.each([
    [{ workflowRepository: 'owner' }, 'repository'],
    [{ workflowRepository: 'owner/repo/extra' }, 'repository'],
    [{ workflowRepository: '-owner/repo' }, 'repository'],
    [{ workflowRepository: 'own er/repo' }, 'repository'],
    [{ workflowRepository: 'owner/..' }, 'repository'],
    [{ workflowPath: 'release.yml' }, 'workflow'],
    [{ workflowPath: '.github/workflows/../x.yml' }, 'workflow'],
    [{ workflowPath: '.github/workflows/a@b.yml' }, 'workflow'],
    [{ refPattern: 'v1.2.3' }, 'ref-pattern'],
    [{ refPattern: 'refs/tags/v1 2' }, 'ref-pattern'],
    [{ refPattern: 'refs/tags/*' }, 'ref-pattern'],
    [{ refPattern: 'sha:abc' }, 'ref-pattern'],
    [{ refPattern: `sha:${'A'.repeat(40)}` }, 'ref-pattern'],
    [{ serverUrl: 'ftp://github.com' }, 'server-url'],
    [{ serverUrl: 'https://github.com/path' }, 'server-url'],
  ])('refuses %j naming %s', (o, input) => {
    expect(inputOf(() => buildIdentityRegexp({ ...base, refPattern: 'tags', ...o }))).toBe(input);
  });
});

describe('escapeRegexp', () => {
  it('escapes every RE2 metacharacter', () => {
    const specials = '\\.+*?()|[]{}^$';
    const escaped = escapeRegexp(specials);
    expect(new RegExp(`^${escaped}$`).test(specials)).toBe(true);
    expect(escaped).toBe('\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$');
  });
});

describe('parseRepository', () => {
  it('splits owner/repo', () => {
    expect(parseRepository(' octo-org/app.js ')).toEqual({ owner: 'octo-org', repo: 'app.js', full: 'octo-org/app.js' });
  });
});

describe('anchorRegexp (certificate-identity-regexp input)', () => {
  it.each([
    ['https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/tags/.+', '^https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/tags/.+$'],
    ['^https://github\\.com/o/r/.+$', '^https://github\\.com/o/r/.+$'],
    ['^https://github\\.com/o/r/.+', '^https://github\\.com/o/r/.+$'],
    ['https://github\\.com/o/r/.+$', '^https://github\\.com/o/r/.+$'],
    ['https://github\\.com/o/(a|b)/.+', '^https://github\\.com/o/(a|b)/.+$'],
    ['https://github\\.com/o/a/.+|https://github\\.com/o/b/.+', '^(?:https://github\\.com/o/a/.+|https://github\\.com/o/b/.+)$'],
    ['^https://github\\.com/o/a/.+|https://github\\.com/o/b/.+$', '^(?:https://github\\.com/o/a/.+|https://github\\.com/o/b/.+)$'],
    ['https://github\\.com/o/r/[|]x\\$', '^https://github\\.com/o/r/[|]x\\$$'],
  ])('%s -> %s', (input, want) => {
    expect(anchorRegexp(input)).toBe(want);
  });

  it('is idempotent', () => {
    const once = anchorRegexp('https://github\\.com/o/a/.+|https://github\\.com/o/b/.+');
    expect(anchorRegexp(once)).toBe(once);
  });

  it('stops an unanchored regexp from matching a look-alike identity', () => {
    const re = new RegExp(anchorRegexp('https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/tags/.+'));
    expect(re.test('https://evil.example/https://github.com/o/r/.github/workflows/x.yml@refs/tags/v1')).toBe(false);
  });

  it.each([
    ['(?=x)https://github\\.com/.+', /lookaround/],
    ['https://github\\.com/(?!evil).+', /lookaround/],
    ['https://github\\.com/(?<=a)b', /lookaround/],
    ['https://github\\.com/(o)/\\1', /backreference/],
    ['https://github\\.com/(?<o>x)/\\k<o>', /backreference/],
    ['https://github\\.com/(o', /does not compile/],
    ['.*', /matches any identity/],
    ['^.+$', /matches any identity/],
    ['', /is empty/],
  ])('refuses %j', (input, why) => {
    expect(() => anchorRegexp(input)).toThrow(InputError);
    expect(() => anchorRegexp(input)).toThrow(why);
    expect(inputOf(() => anchorRegexp(input))).toBe('certificate-identity-regexp');
  });
});
