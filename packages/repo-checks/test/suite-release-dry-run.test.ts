// Releasing the suite: scripts/release-suite.sh plan, check and apply/rollback --dry-run against a scratch git
// repository (never this checkout): the plan, the notes, the tags it moves locally, and what it refuses.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, build, commit, commitOf, fixture, ghLog, git, line, listed, removeScratch, scratch, short, suite, tags } from './support/release-sandbox.ts';

afterAll(removeScratch);

describe('release-suite.sh --dry-run: the local repository only', SLOW, () => {
  let repo = '';
  let remote = '';
  let c: Record<string, string> = {};
  beforeAll(() => {
    ({ repo, remote, c } = fixture('dry'));
    // Where the release of v1.0.0 left the moving tags.
    git(repo, 'tag', 'v1', 'v1.0.0^{commit}');
    git(repo, 'tag', 'v1.0', 'v1.0.0^{commit}');
    rmSync(ghLog, { force: true });
  });
  const notesFile = (tag: string) => path.join(scratch, `notes-${tag}.md`);
  const dryRun = (tag: string) => {
    git(repo, 'checkout', '-q', '--detach', tag);
    return suite(repo, ['apply', tag, '--dry-run', '--notes-file', notesFile(tag)]);
  };

  it('plan prints the version, the previous stable tag, the notes and the tags to move, and changes nothing', () => {
    const before = tags(repo);
    const r = suite(repo, ['plan', 'v1.1.0']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`tag: v1.1.0\ncommit: ${c['v1.1.0']}\nversion: 1.1.0\nprerelease: false\nprevious: v1.0.0\nlatest: true\n`);
    expect(r.stdout).toContain(`move: v1 ${short(c['v1.0.0']!)} -> ${short(c['v1.1.0']!)}\nmove: v1.1 none -> ${short(c['v1.1.0']!)}\n`);
    expect(listed(r.stdout)).toEqual([line(repo, c['v1.1.0']!, 'Fix bug B'), line(repo, c.A!, 'Add feature A')]);
    expect(r.stdout).toContain('Full changelog: https://github.com/moam-project/multi-arch-of-madness/compare/v1.0.0...v1.1.0');
    expect(tags(repo)).toEqual(before);
  });

  it('plan of the first release: no previous tag, every commit listed; v1 stays on the newer v1.1.0', () => {
    const r = suite(repo, ['plan', 'v1.0.0']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('previous: none\nlatest: false\n');
    expect(r.stdout).toContain(`move: v1.0 already at ${short(c['v1.0.0']!)}\nkeep: v1 (v1.1.0 is newer)\n`);
    expect(r.stdout).toContain('notes:\n## Changes\n\n');
    expect(listed(r.stdout)).toEqual([line(repo, c['v1.0.0']!, 'Initial commit')]);
  });

  it('a stable release moves v1 and v1.1 to its commit after checking dist/; the notes list the commits since the previous stable tag', () => {
    const r = dryRun('v1.1.0');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('check-dist: committed bundles match a fresh build');
    expect(r.stdout).toContain(`move: v1 ${short(c['v1.0.0']!)} -> ${short(c['v1.1.0']!)}\nmove: v1.1 none -> ${short(c['v1.1.0']!)}\n`);
    expect(r.stdout).toContain('dry run: no GitHub release created, nothing pushed');
    expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.1.0']);
    expect(commitOf(repo, 'refs/tags/v1.1')).toBe(c['v1.1.0']);
    expect(commitOf(repo, 'refs/tags/v1.0')).toBe(c['v1.0.0']);
    const notes = readFileSync(notesFile('v1.1.0'), 'utf8');
    expect(notes).toMatch(/^## Changes since v1\.0\.0\n\n/);
    expect(listed(notes)).toEqual([line(repo, c['v1.1.0']!, 'Fix bug B'), line(repo, c.A!, 'Add feature A')]);
    expect(notes).toContain(`uses: moam-project/multi-arch-of-madness/actions/demo@${c['v1.1.0']} # v1.1.0`);
    expect(notes).toContain('Moving tags now at this commit: `v1`, `v1.1`.');
  });

  it('the dry run pushed nothing and never called gh', () => {
    expect(tags(remote)).toEqual({});
    expect(existsSync(ghLog)).toBe(false);
  });

  it('a prerelease moves nothing; its notes start at the previous STABLE tag', () => {
    const before = tags(repo);
    const r = dryRun('v1.2.0-rc.1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('prerelease: true\nprevious: v1.1.0\nlatest: false\nkeep: v1 v1.2 (a prerelease moves no tags)\n');
    expect(tags(repo)).toEqual(before);
    const notes = readFileSync(notesFile('v1.2.0-rc.1'), 'utf8');
    expect(notes).toMatch(/^## Changes since v1\.1\.0\n\n/);
    expect(listed(notes)).toEqual([line(repo, c['v1.2.0-rc.1']!, 'Start feature C')]);
    expect(notes).toContain('This is a prerelease: `v1` and `v1.2` do not move.');
  });

  it('a patch of an older line moves its vX.Y but never moves vX backwards', () => {
    git(repo, 'checkout', '-q', '-b', 'maint-1.0', 'v1.0.0');
    const fix = commit(repo, 'Backport fix D', build('one, fixed\n'));
    git(repo, 'tag', '-a', 'v1.0.1', '-m', 'v1.0.1');
    const r = dryRun('v1.0.1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('previous: v1.0.0\nlatest: false\n');
    expect(r.stdout).toContain('keep: v1 (v1.1.0 is newer)');
    expect(commitOf(repo, 'refs/tags/v1.0')).toBe(fix);
    expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.1.0']);
    expect(listed(readFileSync(notesFile('v1.0.1'), 'utf8'))).toEqual([line(repo, fix, 'Backport fix D')]);
  });

  it('a rollback moves v1 (and the target\'s v1.0) back to an existing release', () => {
    const r = suite(repo, ['rollback', 'v1', 'v1.0.0', '--dry-run']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`move: v1 ${short(c['v1.1.0']!)} -> ${short(c['v1.0.0']!)}`);
    expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.0.0']);
    expect(commitOf(repo, 'refs/tags/v1.0')).toBe(c['v1.0.0']);
    expect(commitOf(repo, 'refs/tags/v1.1')).toBe(c['v1.1.0']);
    expect(tags(remote)).toEqual({});
    expect(existsSync(ghLog)).toBe(false);
  });

  it.each([
    ['a tag without the v', ['apply', '1.2.3', '--dry-run'], /"1\.2\.3" is not a SemVer release tag: expected vX\.Y\.Z or vX\.Y\.Z-<prerelease>/],
    ['a moving tag', ['apply', 'v1.2', '--dry-run'], /"v1\.2" is not a SemVer release tag/],
    ['a leading zero', ['apply', 'v01.2.3', '--dry-run'], /"v01\.2\.3" is not a SemVer release tag/],
    ['build metadata', ['apply', 'v1.2.3+build.5', '--dry-run'], /"v1\.2\.3\+build\.5" is not a SemVer release tag/],
    ['an empty prerelease', ['plan', 'v1.2.3-'], /"v1\.2\.3-" is not a SemVer release tag/],
    ['a sample-app tag', ['plan', 'sample-app/v1.2.3'], /"sample-app\/v1\.2\.3" is not a SemVer release tag/],
    ['a tag that does not exist', ['apply', 'v1.9.0', '--dry-run'], /tag v1\.9\.0 does not exist: tag the release commit and push the tag first/],
    ['a HEAD that is not the tag', ['apply', 'v1.1.0', '--dry-run'], /HEAD is [0-9a-f]{40}, not the commit of v1\.1\.0 \([0-9a-f]{40}\): check it out first/],
    ['a rollback to another major', ['rollback', 'v1', 'v2.0.0', '--dry-run'], /v2\.0\.0 is not a v1\.\* release: v1 can only be moved to a release of the same major version/],
    ['a rollback to a missing release', ['rollback', 'v1', 'v1.9.9', '--dry-run'], /tag v1\.9\.9 does not exist: pick an existing release/],
    ['a rollback to a prerelease', ['rollback', 'v1', 'v1.2.0-rc.1', '--dry-run'], /v1\.2\.0-rc\.1 is a prerelease: a rollback target must be a stable vX\.Y\.Z release/],
    ['a rollback of a minor tag', ['rollback', 'v1.1', 'v1.0.0', '--dry-run'], /"v1\.1" is not a major tag like v1/],
    ['a rollback to a non-SemVer tag', ['rollback', 'v1', 'latest', '--dry-run'], /"latest" is not a SemVer release tag/],
  ])('refuses %s with a clear message and moves nothing', (_name, args, message) => {
    git(repo, 'checkout', '-q', 'main');
    const before = tags(repo);
    const r = suite(repo, args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^release-suite: /);
    expect(tags(repo)).toEqual(before);
  });

  it.each([
    ['no command', [], /no command/],
    ['an unknown command', ['release', 'v1.0.0'], /unknown command "release"/],
    ['a missing tag', ['apply'], /apply takes one tag/],
    ['an unknown option', ['apply', 'v1.0.0', '--force'], /unknown option --force/],
    ['--dry-run on plan', ['plan', 'v1.0.0', '--dry-run'], /--dry-run is for apply and rollback/],
  ])('refuses %s as a usage error (exit 2)', (_name, args, message) => {
    const r = suite(repo, args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a tag whose committed dist/ is not a fresh build, and moves nothing', () => {
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'Change the source without rebuilding', { 'src/app.txt': 'five\n' });
    git(repo, 'tag', '-a', 'v1.3.0', '-m', 'v1.3.0');
    const before = tags(repo);
    for (const args of [['apply', 'v1.3.0', '--dry-run'], ['check', 'v1.3.0']]) {
      const r = suite(repo, args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('check-dist: dist/app.txt differs from a fresh build');
      expect(r.stderr).toMatch(/dist\/ at v1\.3\.0 does not match a fresh build of its sources: run 'npm run build', commit actions\/\*\/dist and release a new tag \(never move v1\.3\.0\)/);
    }
    expect(tags(repo)).toEqual(before);
    expect(existsSync(notesFile('v1.3.0'))).toBe(false);
  });

  it('check accepts a clean checkout of a good tag and refuses uncommitted changes', () => {
    git(repo, 'checkout', '-q', '--detach', 'v1.1.0');
    const ok = suite(repo, ['check', 'v1.1.0']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`v1.1.0 is ready to release: commit ${c['v1.1.0']}, dist/ matches a fresh build`);
    writeFileSync(path.join(repo, 'dist/app.txt'), 'edited\n');
    const dirty = suite(repo, ['check', 'v1.1.0']);
    expect(dirty.status).toBe(1);
    expect(dirty.stderr).toMatch(/the working tree has uncommitted changes/);
    git(repo, 'checkout', '-q', '--', 'dist/app.txt');
  });

  it('prints a GitHub annotation for a refusal when run by Actions', () => {
    const r = suite(repo, ['plan', 'v1'], { GITHUB_ACTIONS: 'true' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=release-suite::"v1" is not a SemVer release tag/m);
  });
});
