import { describe, expect, it } from 'vitest';
import { type CurrentTag, type TagDecision, type TagRole, checkAfterPush, compareVersions, decideTag, roleOf } from '../src/merge/tag-decisions.ts';
import { computeTags } from '../src/tags.ts';

const OURS = { image: 'ghcr.io/o/app', digest: 'sha256:ours', version: '1.2.0' };
const at = (version?: string, digest = 'sha256:other'): CurrentTag => ({ digest, ...(version ? { version } : {}) });
const policy = { forceFloating: false, overwriteVersion: false };

describe('decideTag', () => {
  it.each<[TagRole, CurrentTag | undefined, Partial<typeof policy>, TagDecision['action']]>([
    ['version', undefined, {}, 'push'],
    ['version', at('1.2.0', 'sha256:ours'), {}, 'unchanged'],
    ['version', at('1.2.0'), {}, 'refuse'],
    ['version', at('1.2.0'), { overwriteVersion: true }, 'push'],
    ['floating', undefined, {}, 'push'],
    ['floating', at('1.1.9'), {}, 'push'],
    ['floating', at('1.2.0'), {}, 'push'],
    ['floating', at('1.2.0+build.7'), {}, 'push'],
    ['floating', at('1.2.1-rc.1'), {}, 'skip'],
    ['floating', at('1.3.0'), {}, 'skip'],
    ['floating', at('v2.0.0'), {}, 'skip'],
    ['floating', at('1.3.0'), { forceFloating: true }, 'push'],
    ['floating', at('sha-abcdef0'), {}, 'push'],
    ['floating', at(), {}, 'push'],
    ['other', at('9.9.9'), {}, 'push'],
    ['other', at('1.0.0', 'sha256:ours'), {}, 'unchanged'],
  ])('%s tag on %j (%j): %s', (role, current, over, action) => {
    expect(decideTag(role, 't', OURS, current, { ...policy, ...over }).action).toBe(action);
  });
});

describe('checkAfterPush', () => {
  it.each<[TagRole, CurrentTag | undefined, string]>([
    ['version', at('1.2.0', 'sha256:ours'), 'ours'],
    ['version', at('1.2.0'), 'lost'],
    ['version', undefined, 'lost'],
    ['floating', at('1.1.0'), 'repair'],
    ['floating', at(), 'repair'],
    ['floating', at('1.3.0'), 'moved-on'],
    ['other', at('0.1.0'), 'moved-on'],
  ])('%s tag now on %j: %s', (role, after, outcome) => {
    expect(checkAfterPush(role, 't', OURS, after).outcome).toBe(outcome);
  });
});

describe('tag roles from the plan', () => {
  it.each<[string, Record<string, TagRole>]>([
    ['v1.2.3', { '1.2.3': 'version', '1.2': 'floating', '1': 'floating', latest: 'floating', extra: 'other' }],
    ['0.4.0', { '0.4.0': 'version', '0.4': 'floating', latest: 'floating', extra: 'other' }],
    ['1.0.0-rc.1', { '1.0.0-rc.1': 'version', extra: 'other' }],
    ['1.2.3+build.5', { '1.2.3-build.5': 'version', '1.2': 'floating', '1': 'floating', latest: 'floating', extra: 'other' }],
  ])('%s', (tag, roles) => {
    const plan = computeTags({ ref: `refs/tags/${tag}`, sha: 'a'.repeat(40), eventName: 'push', latest: 'auto', extraTags: ['extra'] });
    expect(Object.fromEntries(plan.tags.map((t) => [t, roleOf(t, plan)]))).toEqual(roles);
  });

  it('branch builds have no version tag and no floating tags', () => {
    const plan = computeTags({ ref: 'refs/heads/main', sha: 'a'.repeat(40), eventName: 'push', defaultBranch: 'main', latest: 'auto', extraTags: [] });
    expect(plan.tags.map((t) => roleOf(t, plan))).toEqual(['other', 'other']);
  });

  it('orders by SemVer precedence, ignoring build metadata and a leading v', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.2.0-rc.1', '1.2.0')).toBe(-1);
    expect(compareVersions('v1.2.0', '1.2.0+b')).toBe(0);
    expect(compareVersions('edge', '1.2.0')).toBeUndefined();
  });
});
