// Test support for releasing the suite: a scratch directory (one per test file) with a stand-in for the GitHub CLI,
// a clean git environment, scripts/release-suite.sh run in it, and fixture repositories with a release history.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/repo.ts';

export type Obj = Record<string, unknown>;

const SCRIPT = path.join(REPO_ROOT, 'scripts/release-suite.sh');
// Each test runs git a dozen times: generous limits for a loaded CI machine.
export const SLOW = { timeout: 60_000 };
export const scratch = mkdtempSync(path.join(tmpdir(), 'moam-suite-release-'));

/** Removes the scratch directory and everything in it: `afterAll(removeScratch)` in each file that uses it. */
export function removeScratch(): void {
  rmSync(scratch, { recursive: true, force: true });
}

const home = path.join(scratch, 'home');
const bin = path.join(scratch, 'bin');
export const ghLog = path.join(scratch, 'gh.log');
export const ghState = path.join(scratch, 'gh-state');
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
export function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function suite(cwd: string, args: string[], extra: Record<string, string> = {}): Run {
  const r = spawnSync('bash', [SCRIPT, ...args], { cwd, env: env(extra), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The commit a ref points to, '' if it does not exist. */
export function commitOf(repo: string, ref: string): string {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, env: env(), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Every tag of a repository (local or bare) and the commit it points to. */
export function tags(repo: string): Record<string, string> {
  const out = git(repo, 'for-each-ref', '--format=%(refname:strip=2) %(objectname) %(*objectname)', 'refs/tags/');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => {
    const [name, object, peeled] = l.split(' ');
    return [name!, peeled || object!];
  }));
}

export function commit(repo: string, message: string, files: Record<string, string>): string {
  clock += 60;
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

export const short = (sha: string) => sha.slice(0, 12);
export const build = (text: string) => ({ 'src/app.txt': text, 'dist/app.txt': text });

/**
 * v1.0.0 (Initial commit) -> Add feature A -> Fix bug B = v1.1.0 -> Start feature C = v1.2.0-rc.1 (lightweight),
 * with an empty bare repository as origin.
 */
export function fixture(name: string): { repo: string; remote: string; c: Record<string, string> } {
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
export const listed = (notes: string) => notes.split('\n').filter((l) => /^- .* \([0-9a-f]{7,}\)$/.test(l));
export const line = (repo: string, sha: string, subject: string) => `- ${subject} (${git(repo, 'rev-parse', '--short', sha)})`;
