import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { computeTags, parseLatest, parseRelease, type LatestMode, type TagInput, type TagKind } from '../src/tags.ts';

const SHA = '5114f85a2c8e7d1b3f6a9c0e4d7b2a8f1e3c5d79';

function input(over: Partial<TagInput> = {}): TagInput {
  return { ref: 'refs/tags/v1.2.3', sha: SHA, eventName: 'push', defaultBranch: 'main', latest: 'auto', extraTags: [], ...over };
}

interface Row {
  name: string;
  ref: string;
  event?: string;
  version?: string;
  latest?: LatestMode;
  extra?: string[];
  defaultBranch?: string;
  want: { version: string; kind: TagKind; tags: string[] };
}

const tag = (t: string) => `refs/tags/${t}`;
const stable = (version: string, tags: string[]) => ({ version, kind: 'stable' as const, tags });
const pre = (version: string) => ({ version, kind: 'prerelease' as const, tags: [version.replace('+', '-')] });

const rows: Row[] = [
  // Stable releases.
  { name: 'v prefix', ref: tag('v1.2.3'), want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest']) },
  { name: 'no prefix', ref: tag('1.2.3'), want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest']) },
  { name: 'V prefix', ref: tag('V1.2.3'), want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest']) },
  { name: '1.0.0', ref: tag('v1.0.0'), want: stable('1.0.0', ['1.0.0', '1.0', '1', 'latest']) },
  { name: '0.y.z gets no bare 0', ref: tag('v0.3.1'), want: stable('0.3.1', ['0.3.1', '0.3', 'latest']) },
  { name: '0.0.1', ref: tag('0.0.1'), want: stable('0.0.1', ['0.0.1', '0.0', 'latest']) },
  { name: 'multi-digit', ref: tag('10.20.30'), want: stable('10.20.30', ['10.20.30', '10.20', '10', 'latest']) },
  { name: 'latest=true on stable', ref: tag('v1.2.3'), latest: 'true', want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest']) },
  { name: 'latest=false on stable', ref: tag('v1.2.3'), latest: 'false', want: stable('1.2.3', ['1.2.3', '1.2', '1']) },
  { name: 'stable with build metadata is still stable', ref: tag('v1.2.3+build.5'), want: stable('1.2.3+build.5', ['1.2.3-build.5', '1.2', '1', 'latest']) },
  { name: 'latest=false on 0.y.z', ref: tag('v0.9.0'), latest: 'false', want: stable('0.9.0', ['0.9.0', '0.9']) },
  // Prereleases: the version tag only.
  { name: 'rc.1', ref: tag('v1.2.3-rc.1'), want: pre('1.2.3-rc.1') },
  { name: '0.0.1-rc1', ref: tag('0.0.1-rc1'), want: pre('0.0.1-rc1') },
  { name: 'alpha', ref: tag('v1.2.3-alpha'), want: pre('1.2.3-alpha') },
  { name: 'beta.2', ref: tag('1.2.3-beta.2'), want: pre('1.2.3-beta.2') },
  { name: 'numeric prerelease 2.0.0-0', ref: tag('v2.0.0-0'), want: pre('2.0.0-0') },
  { name: 'prerelease with build metadata', ref: tag('v1.0.0-rc.1+exp.sha.5114f85'), want: pre('1.0.0-rc.1+exp.sha.5114f85') },
  { name: 'latest=true never reaches a prerelease', ref: tag('v1.2.3-rc.1'), latest: 'true', want: pre('1.2.3-rc.1') },
  { name: 'latest=false on prerelease', ref: tag('v1.2.3-rc.1'), latest: 'false', want: pre('1.2.3-rc.1') },
  // Explicit version overrides the ref.
  { name: 'explicit version overrides a non-SemVer tag', ref: tag('release-2024'), version: 'v2.1.0', want: stable('2.1.0', ['2.1.0', '2.1', '2', 'latest']) },
  { name: 'explicit version overrides a SemVer tag', ref: tag('v1.2.3'), version: '1.2.4', want: stable('1.2.4', ['1.2.4', '1.2', '1', 'latest']) },
  { name: 'explicit prerelease on workflow_dispatch', ref: 'refs/heads/main', event: 'workflow_dispatch', version: '3.0.0-beta.1', want: pre('3.0.0-beta.1') },
  { name: 'explicit version on a branch push', ref: 'refs/heads/feature/x', version: '1.5.0', want: stable('1.5.0', ['1.5.0', '1.5', '1', 'latest']) },
  // Not a release.
  { name: 'default branch gets edge', ref: 'refs/heads/main', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85', 'edge'] } },
  { name: 'other branch: sha only', ref: 'refs/heads/feature/login', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85'] } },
  { name: 'branch named like the default branch elsewhere', ref: 'refs/heads/main', defaultBranch: 'trunk', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85'] } },
  { name: 'pull request', ref: 'refs/pull/42/merge', event: 'pull_request', want: { version: 'sha-5114f85', kind: 'pull_request', tags: ['sha-5114f85'] } },
  { name: 'workflow_dispatch on default branch', ref: 'refs/heads/main', event: 'workflow_dispatch', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85', 'edge'] } },
  { name: 'workflow_dispatch on another branch', ref: 'refs/heads/release/1.x', event: 'workflow_dispatch', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85'] } },
  { name: 'latest=true ignored on a branch', ref: 'refs/heads/main', latest: 'true', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85', 'edge'] } },
  { name: 'no ref at all (outside Actions)', ref: '', event: '', want: { version: 'sha-5114f85', kind: 'other', tags: ['sha-5114f85'] } },
  { name: 'no default branch known: no edge', ref: 'refs/heads/main', defaultBranch: undefined, want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85'] } },
  // Extra tags: appended in order, deduplicated.
  { name: 'extras after computed tags', ref: tag('v1.2.3'), extra: ['stable', 'prod'], want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest', 'stable', 'prod']) },
  { name: 'extras deduplicated against computed and each other', ref: tag('v1.2.3'), extra: ['1.2', 'latest', 'x', 'x'], want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest', 'x']) },
  { name: 'latest as an extra with latest=false', ref: tag('v1.2.3'), latest: 'false', extra: ['latest'], want: stable('1.2.3', ['1.2.3', '1.2', '1', 'latest']) },
  { name: 'extras on a prerelease', ref: tag('v1.2.3-rc.1'), extra: ['next', 'rc'], want: { version: '1.2.3-rc.1', kind: 'prerelease', tags: ['1.2.3-rc.1', 'next', 'rc'] } },
  { name: 'extras on a branch', ref: 'refs/heads/main', extra: ['nightly', ' ', 'main'], want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85', 'edge', 'nightly', 'main'] } },
  { name: 'upper-case sha is normalised', ref: 'refs/heads/x', want: { version: 'sha-5114f85', kind: 'branch', tags: ['sha-5114f85'] } },
];

describe('computeTags', () => {
  it.each(rows)('$name', (row) => {
    const plan = computeTags(
      input({
        ref: row.ref,
        eventName: row.event ?? (row.ref.startsWith('refs/pull/') ? 'pull_request' : 'push'),
        version: row.version,
        latest: row.latest ?? 'auto',
        extraTags: row.extra ?? [],
        defaultBranch: 'defaultBranch' in row ? row.defaultBranch : 'main',
        sha: row.name.startsWith('upper-case') ? SHA.toUpperCase() : SHA,
      }),
    );
    expect({ version: plan.version, kind: plan.kind, tags: plan.tags }).toEqual(row.want);
    expect(new Set(plan.tags).size).toBe(plan.tags.length);
  });

  it('notes the build-metadata mapping', () => {
    const plan = computeTags(input({ ref: tag('v1.2.3+build.5') }));
    expect(plan.notes.join('\n')).toMatch(/1\.2\.3\+build\.5 is tagged 1\.2\.3-build\.5/);
  });

  it('notes an ignored latest: true on a prerelease and on a branch', () => {
    expect(computeTags(input({ ref: tag('v1.2.3-rc.1'), latest: 'true' })).notes.join('\n')).toMatch(/latest: true is ignored: 1\.2\.3-rc\.1 is a prerelease/);
    expect(computeTags(input({ ref: 'refs/heads/main', latest: 'true' })).notes.join('\n')).toMatch(/latest: true is ignored/);
  });

  it('notes an explicit version overriding the pushed tag', () => {
    expect(computeTags(input({ ref: tag('release-2024'), version: '2.0.0' })).notes).toEqual(['The version input "2.0.0" overrides the pushed tag "release-2024".']);
    expect(computeTags(input({ ref: tag('v2.0.0'), version: '2.0.0' })).notes).toEqual([]);
  });

  it.each(['v1.2', '1.2.3.4', 'latest', 'release-1', '01.2.3', 'release-2024', 'vv1.2.3', '1.2.3-rc.01', 'v', ''])('refuses the non-SemVer tag "%s"', (name) => {
    const run = () => computeTags(input({ ref: tag(name) }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(`"${name}"`);
    expect(run).toThrow(/v1\.2\.3, 1\.2\.3, 1\.2\.3-rc\.1 or 1\.2\.3\+build\.5/);
    expect(run).toThrow(/version input/);
    expect(run).toThrow(expect.objectContaining({ input: 'GITHUB_REF' }));
  });

  it.each(['1.2', 'release-2024', 'v1.2.3.4', '=1.2.3', ' v 1.2.3'])('refuses a non-SemVer version input "%s", naming input version', (version) => {
    const run = () => computeTags(input({ ref: tag('v1.2.3'), version }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(expect.objectContaining({ input: 'version' }));
    expect(run).toThrow(/^Input "version": /);
  });

  it.each(['', 'abc', SHA.slice(0, 39), `${SHA}0`, 'z'.repeat(40), `sha-${SHA.slice(0, 7)}`])('refuses a bad GITHUB_SHA "%s" when the tags need it', (sha) => {
    const run = () => computeTags(input({ ref: 'refs/heads/main', sha }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(expect.objectContaining({ input: 'GITHUB_SHA' }));
  });

  it('does not need the sha for a release', () => {
    expect(computeTags(input({ ref: tag('v1.2.3'), sha: '' })).tags).toEqual(['1.2.3', '1.2', '1', 'latest']);
  });

  it.each(['-bad', '.dot', 'a b', 'a:b', 'x'.repeat(129), 'ü'])('refuses the invalid extra tag "%s", naming input tags', (t) => {
    const run = () => computeTags(input({ extraTags: [t] }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(expect.objectContaining({ input: 'tags' }));
  });

  it('accepts a 128-character extra tag', () => {
    expect(computeTags(input({ extraTags: ['x'.repeat(128)] })).tags).toContain('x'.repeat(128));
  });

  it.each([
    ['latest', 'v1.2.3-rc.1'],
    ['1.2', 'v1.2.3-rc.1'],
    ['1', 'v1.2.3-rc.1'],
    ['latest', 'v1.2.3-rc.1+build.1'],
  ])('refuses "%s" as an extra tag for the prerelease %s', (extra, t) => {
    const run = () => computeTags(input({ ref: tag(t), extraTags: [extra] }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(/prerelease/);
    expect(run).toThrow(expect.objectContaining({ input: 'tags' }));
  });

  it('refuses latest as an extra tag for a build that is not a release', () => {
    const run = () => computeTags(input({ ref: 'refs/heads/main', extraTags: ['latest'] }));
    expect(run).toThrow(expect.objectContaining({ input: 'tags' }));
    expect(run).toThrow(/not a release/);
  });

  it('refuses a version whose tag would exceed 128 characters', () => {
    const run = () => computeTags(input({ version: `1.2.3-${'a'.repeat(130)}` }));
    expect(run).toThrow(expect.objectContaining({ input: 'version' }));
  });
});

describe('parseRelease', () => {
  it.each([
    ['v1.2.3', { version: '1.2.3', major: 1, minor: 2, prerelease: false, hasBuild: false }],
    ['V1.2.3+b.1', { version: '1.2.3+b.1', major: 1, minor: 2, prerelease: false, hasBuild: true }],
    ['0.0.1-rc1', { version: '0.0.1-rc1', major: 0, minor: 0, prerelease: true, hasBuild: false }],
  ])('parses %s', (value, want) => {
    expect(parseRelease(value)).toEqual(want);
  });

  it.each(['vv1.2.3', ' 1.2.3', '1.2.3 ', '=1.2.3', 'v01.2.3', '1.2'])('refuses %j', (value) => {
    expect(parseRelease(value)).toBeUndefined();
  });
});

describe('parseLatest', () => {
  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['true', 'true'],
    [' FALSE ', 'false'],
    ['True', 'true'],
  ])('%j -> %s', (value, want) => {
    expect(parseLatest(value)).toBe(want);
  });

  it('refuses anything else, naming the input', () => {
    expect(() => parseLatest('yes')).toThrow('Input "latest": "yes" is not auto, true or false');
    expect(() => parseLatest('1', 'flavor-latest')).toThrow(/^Input "flavor-latest"/);
  });
});

describe('tag-prefix (monorepos, and tags that mean something else)', () => {
  const plan = (ref: string, tagPrefix: string, version?: string) => computeTags({ ref, sha: 'a'.repeat(40), eventName: 'push', latest: 'auto', extraTags: [], tagPrefix, ...(version ? { version } : {}) });
  it.each<[string, string, string]>([
    ['refs/tags/sample-app/v1.2.3', 'sample-app/', '1.2.3'],
    ['refs/tags/api-2.0.0-rc.1', 'api-', '2.0.0-rc.1'],
  ])('%s with %s releases %s', (ref, prefix, version) => {
    expect(plan(ref, prefix).version).toBe(version);
  });
  it('refuses a tag without the prefix, naming both', () => {
    expect(() => plan('refs/tags/v1.2.3', 'sample-app/')).toThrow(/Input "tag-prefix": the pushed tag "v1\.2\.3" does not start with "sample-app\/"/);
  });
  it('leaves branches and an explicit version alone', () => {
    expect(plan('refs/heads/main', 'api/').version).toBe('sha-aaaaaaa');
    expect(plan('refs/tags/other', 'api/', '3.0.0').version).toBe('3.0.0');
  });
});
