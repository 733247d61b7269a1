// Releasing the suite: scripts/release-suite.sh apply and rollback for real against a scratch repository and its
// bare origin, with a stand-in for gh: the release it creates, the tags it pushes, and re-runs and races.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, build, commit, commitOf, fixture, ghLog, ghState, git, line, listed, removeScratch, scratch, short, suite, tags } from './support/release-sandbox.ts';

afterAll(removeScratch);

describe('release-suite.sh apply: pushes to the remote and creates the release with gh (a stand-in)', SLOW, () => {
  let repo = '';
  let remote = '';
  let c: Record<string, string> = {};
  const summaryFile = path.join(scratch, 'summary.md');
  const ci = { GITHUB_REPOSITORY: 'octo/suite', GH_TOKEN: 'not-a-real-token', GITHUB_STEP_SUMMARY: summaryFile };
  const ghCalls = () => (existsSync(ghLog) ? readFileSync(ghLog, 'utf8').trim().split('\n') : []);
  beforeAll(() => {
    ({ repo, remote, c } = fixture('real'));
    git(repo, 'push', '-q', 'origin', 'main', '--tags');
    rmSync(ghLog, { force: true });
  });

  it('creates the release with the notes, then moves v1 and v1.1 on the remote', () => {
    git(repo, 'checkout', '-q', '--detach', 'v1.1.0');
    const r = suite(repo, ['apply', 'v1.1.0'], ci);
    expect(r.status, r.stderr).toBe(0);
    expect(ghCalls()).toEqual([
      'release view v1.1.0 --repo octo/suite',
      expect.stringMatching(/^release create v1\.1\.0 --verify-tag --title v1\.1\.0 --notes-file \S+ --latest=true --repo octo\/suite$/),
    ]);
    const notes = readFileSync(path.join(ghState, 'notes'), 'utf8');
    expect(listed(notes)).toEqual([line(repo, c['v1.1.0']!, 'Fix bug B'), line(repo, c.A!, 'Add feature A')]);
    expect(notes).toContain('Full changelog: https://github.com/octo/suite/compare/v1.0.0...v1.1.0');
    expect(tags(remote)).toMatchObject({ v1: c['v1.1.0'], 'v1.1': c['v1.1.0'] });
    expect(r.stdout).toContain(`moved v1 to ${short(c['v1.1.0']!)} (pushed to origin)`);
    expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.1.0']);
    expect(readFileSync(summaryFile, 'utf8')).toContain('### Release v1.1.0');
  });

  it('a re-run leaves the existing release alone and has nothing left to move', () => {
    const r = suite(repo, ['apply', 'v1.1.0'], ci);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('the GitHub release v1.1.0 exists already (a re-run): left as it is');
    expect(r.stdout).toContain('no tag to move');
    expect(ghCalls().filter((l) => l.startsWith('release create'))).toHaveLength(1);
  });

  it('a prerelease is created as a prerelease, never latest, and moves nothing', () => {
    const before = tags(remote);
    git(repo, 'checkout', '-q', '--detach', 'v1.2.0-rc.1');
    const r = suite(repo, ['apply', 'v1.2.0-rc.1', '--skip-dist-check'], ci);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('dist/ check skipped');
    expect(ghCalls().at(-1)).toMatch(/^release create v1\.2\.0-rc\.1 --verify-tag --title v1\.2\.0-rc\.1 --notes-file \S+ --prerelease --latest=false --repo octo\/suite$/);
    expect(tags(remote)).toEqual(before);
  });

  it('moves nothing when another run moved a tag since this checkout read it (atomic push with leases)', () => {
    git(repo, 'checkout', '-q', 'main');
    const c120 = commit(repo, 'Finish feature C', build('five\n'));
    git(repo, 'tag', '-a', 'v1.2.0', '-m', 'v1.2.0');
    git(repo, 'push', '-q', 'origin', 'main', 'v1.2.0');
    git(remote, 'update-ref', 'refs/tags/v1', c['v1.0.0']!); // "another run" moved v1 meanwhile
    git(repo, 'checkout', '-q', '--detach', 'v1.2.0');
    const r = suite(repo, ['apply', 'v1.2.0'], ci);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('stale info');
    expect(r.stderr).toMatch(/pushing the moved tags to origin failed, nothing was moved/);
    expect(commitOf(remote, 'refs/tags/v1')).toBe(c['v1.0.0']);
    expect(commitOf(remote, 'refs/tags/v1.2')).toBe('');
    expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.1.0']);
    // After a fresh fetch (a re-run checks out again) the plan starts from the remote's state and succeeds.
    git(repo, 'fetch', '-q', '--force', 'origin', '+refs/tags/*:refs/tags/*');
    const again = suite(repo, ['apply', 'v1.2.0'], ci);
    expect(again.status, again.stderr).toBe(0);
    expect(tags(remote)).toMatchObject({ v1: c120, 'v1.2': c120, 'v1.1': c['v1.1.0'] });
  });

  it('a rollback pushes v1 and v1.1 back and needs no gh release', () => {
    const calls = ghCalls().length;
    const r = suite(repo, ['rollback', 'v1', 'v1.1.0'], ci);
    expect(r.status, r.stderr).toBe(0);
    expect(tags(remote)).toMatchObject({ v1: c['v1.1.0'], 'v1.1': c['v1.1.0'] });
    expect(ghCalls()).toHaveLength(calls);
  });
});
