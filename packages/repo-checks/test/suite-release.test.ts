// Releasing the suite itself: scripts/release-suite.sh against scratch git repositories (never this checkout),
// .github/workflows/suite-release.yml against our policy and actionlint, and .github/dependabot.yml.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlint, formatLint } from '../src/actionlint.ts';
import { REPO_ROOT, repoContext } from '../src/repo.ts';
import { tagMatches } from '../src/tag-filter.ts';
import { checkWorkflow } from '../src/workflow-policy.ts';

type Obj = Record<string, unknown>;

const SCRIPT = path.join(REPO_ROOT, 'scripts/release-suite.sh');
const WORKFLOW = '.github/workflows/suite-release.yml';
// Each test runs git a dozen times: generous limits for a loaded CI machine.
const SLOW = { timeout: 60_000 };
const scratch = mkdtempSync(path.join(tmpdir(), 'moam-suite-release-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const home = path.join(scratch, 'home');
const bin = path.join(scratch, 'bin');
const ghLog = path.join(scratch, 'gh.log');
const ghState = path.join(scratch, 'gh-state');
for (const dir of [home, bin, ghState]) mkdirSync(dir, { recursive: true });

// A stand-in for the GitHub CLI: records every call; knows which releases exist; keeps the notes it was given.
writeFileSync(
  path.join(bin, 'gh'),
  `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"$GH_LOG"
case "$1 $2" in
  'release view') [ -f "$GH_STATE/$3" ] || { echo "release not found" >&2; exit 1; } ;;
  'release create')
    touch "$GH_STATE/$3"
    while [ $# -gt 0 ]; do if [ "$1" = --notes-file ]; then cp "$2" "$GH_STATE/notes"; fi; shift; done ;;
  *) echo "fake gh: unexpected call" >&2; exit 1 ;;
esac
`,
);
chmodSync(path.join(bin, 'gh'), 0o755);

// The fixture's stand-in for scripts/check-dist.sh: the "bundle" dist/app.txt must equal its "source".
const CHECK_DIST = `#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cmp -s src/app.txt dist/app.txt; then echo "check-dist: dist/app.txt differs from a fresh build" >&2; exit 1; fi
echo "check-dist: committed bundles match a fresh build"
`;

let clock = 1_700_000_000;
/** A clean environment: no GITHUB_* of a CI run around the test, no user or system git configuration. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const date = `@${clock} +0000`;
  return {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    TMPDIR: scratch,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Tester',
    GIT_AUTHOR_EMAIL: 'tester@example.com',
    GIT_COMMITTER_NAME: 'Release Tester',
    GIT_COMMITTER_EMAIL: 'tester@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GH_LOG: ghLog,
    GH_STATE: ghState,
    ...extra,
  };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function suite(cwd: string, args: string[], extra: Record<string, string> = {}): Run {
  const r = spawnSync('bash', [SCRIPT, ...args], { cwd, env: env(extra), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The commit a ref points to, '' if it does not exist. */
function commitOf(repo: string, ref: string): string {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, env: env(), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Every tag of a repository (local or bare) and the commit it points to. */
function tags(repo: string): Record<string, string> {
  const out = git(repo, 'for-each-ref', '--format=%(refname:strip=2) %(objectname) %(*objectname)', 'refs/tags/');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => {
    const [name, object, peeled] = l.split(' ');
    return [name!, peeled || object!];
  }));
}

function commit(repo: string, message: string, files: Record<string, string>): string {
  clock += 60;
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

const short = (sha: string) => sha.slice(0, 12);
const build = (text: string) => ({ 'src/app.txt': text, 'dist/app.txt': text });

/**
 * v1.0.0 (Initial commit) -> Add feature A -> Fix bug B = v1.1.0 -> Start feature C = v1.2.0-rc.1 (lightweight),
 * with an empty bare repository as origin.
 */
function fixture(name: string): { repo: string; remote: string; c: Record<string, string> } {
  const repo = path.join(scratch, name);
  const remote = path.join(scratch, `${name}.git`);
  git(scratch, 'init', '-q', '--bare', remote);
  git(scratch, 'init', '-q', '-b', 'main', repo);
  git(repo, 'remote', 'add', 'origin', remote);
  mkdirSync(path.join(repo, 'scripts'), { recursive: true });
  copyFileSync(SCRIPT, path.join(repo, 'scripts/release-suite.sh'));
  mkdirSync(path.join(repo, 'scripts/release-suite'), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'scripts/release-suite/plan.sh'), path.join(repo, 'scripts/release-suite/plan.sh'));
  const c: Record<string, string> = {};
  c['v1.0.0'] = commit(repo, 'Initial commit', { 'scripts/check-dist.sh': CHECK_DIST, 'actions/demo/action.yml': 'name: demo\n', ...build('one\n') });
  git(repo, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
  c.A = commit(repo, 'Add feature A', build('two\n'));
  c['v1.1.0'] = commit(repo, 'Fix bug B', build('three\n'));
  git(repo, 'tag', '-a', 'v1.1.0', '-m', 'v1.1.0');
  c['v1.2.0-rc.1'] = commit(repo, 'Start feature C', build('four\n'));
  git(repo, 'tag', 'v1.2.0-rc.1');
  return { repo, remote, c };
}

/** The "- subject (sha)" lines of the notes. */
const listed = (notes: string) => notes.split('\n').filter((l) => /^- .* \([0-9a-f]{7,}\)$/.test(l));
const line = (repo: string, sha: string, subject: string) => `- ${subject} (${git(repo, 'rev-parse', '--short', sha)})`;

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

describe('.github/workflows/suite-release.yml', SLOW, () => {
  const source = readFileSync(path.join(REPO_ROOT, WORKFLOW), 'utf8');
  const wf = parse(source) as Obj;
  const on = wf.on as Obj;
  const jobs = wf.jobs as Record<string, Obj>;
  const steps = (job: string) => (jobs[job]!.steps ?? []) as Obj[];
  const runs = (job: string) => steps(job).map((s) => s.run).filter((r): r is string => typeof r === 'string');

  it('passes our workflow policy and actionlint', async () => {
    expect(checkWorkflow(WORKFLOW, source, repoContext()).map((f) => `${f.job ?? ''} ${f.rule}: ${f.message}`)).toEqual([]);
    expect(formatLint(WORKFLOW, await actionlint(source, WORKFLOW))).toBe('');
  });

  it('starts on the suite\'s SemVer tags (stable and prerelease), not on moving or sample-app tags', () => {
    const patterns = (on.push as Obj).tags as string[];
    for (const tag of ['v1.2.3', 'v10.20.30', 'v2.0.0-rc.1', 'v1.3.0-beta']) expect([tag, tagMatches(patterns, tag)]).toEqual([tag, true]);
    for (const tag of ['v1', 'v1.2', '1.2.3', 'sample-app/v1.2.3', 'latest', 'v1.2.3.4']) expect([tag, tagMatches(patterns, tag)]).toEqual([tag, false]);
    expect(Object.keys(on).sort()).toEqual(['push', 'workflow_dispatch']);
  });

  it('takes the rollback as workflow_dispatch inputs', () => {
    const inputs = (on.workflow_dispatch as Obj).inputs as Record<string, Obj>;
    expect(inputs.major).toMatchObject({ type: 'string', required: true });
    expect(inputs.target).toMatchObject({ type: 'string', required: true });
    expect(inputs['dry-run']).toMatchObject({ type: 'boolean', default: false });
  });

  it('grants contents: write only to the jobs that create the release or move tags', () => {
    expect(wf.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.permissions]))).toEqual({
      plan: { contents: 'read' },
      test: { contents: 'read' },
      release: { contents: 'write' },
      rollback: { contents: 'write' },
    });
  });

  it('releases only after the plan and the tests, and only on a tag push; rolls back only on dispatch', () => {
    expect(jobs.test!.needs).toBe('plan');
    expect(jobs.release!.needs).toEqual(['plan', 'test']);
    for (const id of ['plan', 'release']) expect(jobs[id]!.if).toBe("github.event_name == 'push'");
    expect(jobs.rollback!.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(jobs.rollback!.needs).toBeUndefined();
  });

  it('checks the bundles and runs the test command the way build.yml does (privileged Debian bookworm container)', () => {
    expect(jobs.test!.container).toEqual({ image: 'node:20-bookworm', options: '--privileged' });
    expect(runs('test')).toEqual(['npm ci --no-audit --no-fund', 'bash scripts/release-suite.sh check "$TAG"', 'bash scripts/test.sh']);
  });

  it('runs the script, with the tag and inputs passed only through env:', () => {
    expect(runs('plan')).toEqual(['bash scripts/release-suite.sh plan "$TAG"']);
    expect(runs('release')).toEqual(['bash scripts/release-suite.sh apply --skip-dist-check "$TAG"']);
    for (const job of Object.keys(jobs)) {
      for (const run of runs(job)) expect(run).not.toContain('${{');
    }
    for (const job of ['plan', 'test', 'release']) {
      const withTag = steps(job).filter((s) => String(s.run ?? '').includes('$TAG'));
      for (const s of withTag) expect((s.env as Obj).TAG).toBe('${{ github.ref_name }}');
    }
  });

  it('checks out every tag and keeps no credentials in the checkout', () => {
    for (const job of Object.keys(jobs)) {
      const checkout = steps(job).find((s) => String(s.uses ?? '').startsWith('actions/checkout@'));
      expect([job, checkout?.with]).toEqual([job, { 'fetch-depth': 0, 'persist-credentials': false }]);
    }
  });

  it('hands the token only to the steps that push or call gh', () => {
    const withToken = Object.entries(jobs).flatMap(([id, j]) => ((j.steps ?? []) as Obj[]).filter((s) => s.env && 'GH_TOKEN' in (s.env as Obj)).map(() => id));
    expect(withToken).toEqual(['release', 'rollback']);
  });

  describe('its rollback step, run as written against a scratch repository', () => {
    let repo = '';
    let c: Record<string, string> = {};
    beforeAll(() => {
      ({ repo, c } = fixture('workflow-steps'));
      git(repo, 'tag', 'v1', c['v1.1.0']!);
      git(repo, 'tag', 'v1.1', c['v1.1.0']!);
    });
    const step = steps('rollback').find((s) => String(s.run ?? '').includes('release-suite.sh'))!;
    const runStep = (inputs: Record<string, string>) => {
      const r = spawnSync('bash', ['-e', '-c', String(step.run)], { cwd: repo, env: env(inputs), encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    it('reads exactly MAJOR, TARGET, DRY_RUN and GH_TOKEN from env:', () => {
      expect(Object.keys(step.env as Obj).sort()).toEqual(['DRY_RUN', 'GH_TOKEN', 'MAJOR', 'TARGET']);
      expect(step.env).toMatchObject({ MAJOR: '${{ inputs.major }}', TARGET: '${{ inputs.target }}', DRY_RUN: '${{ inputs.dry-run }}' });
    });

    it('with dry-run true moves v1 back locally and pushes nothing', () => {
      const r = runStep({ MAJOR: 'v1', TARGET: 'v1.0.0', DRY_RUN: 'true' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('dry run: nothing pushed');
      expect(commitOf(repo, 'refs/tags/v1')).toBe(c['v1.0.0']);
    });

    it('refuses a target of another major', () => {
      const r = runStep({ MAJOR: 'v1', TARGET: 'v2.0.0', DRY_RUN: 'true' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/v2\.0\.0 is not a v1\.\* release/);
    });
  });
});

describe('.github/dependabot.yml', () => {
  const config = parse(readFileSync(path.join(REPO_ROOT, '.github/dependabot.yml'), 'utf8')) as { version: number; updates: Obj[] };
  const entry = (ecosystem: string) => config.updates.find((u) => u['package-ecosystem'] === ecosystem);
  const dirs = (u: Obj | undefined) => [u?.directory, ...((u?.directories as string[] | undefined) ?? [])].filter(Boolean);

  it('is a version 2 configuration', () => {
    expect(config.version).toBe(2);
  });

  it('keeps the pinned GitHub Actions of the workflows current, weekly, in one group', () => {
    const actions = entry('github-actions');
    expect(dirs(actions)).toContain('/');
    expect((actions?.schedule as Obj).interval).toBe('weekly');
    expect(Object.keys((actions?.groups as Obj) ?? {})).not.toHaveLength(0);
  });

  it('keeps the npm dependencies of the root lockfile current, weekly, grouped', () => {
    const npm = entry('npm');
    expect(dirs(npm)).toEqual(['/']);
    expect((npm?.schedule as Obj).interval).toBe('weekly');
    expect(Object.keys((npm?.groups as Obj) ?? {}).sort()).toEqual(['runtime', 'tooling']);
  });
});
