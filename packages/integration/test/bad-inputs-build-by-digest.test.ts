// Bad inputs to the bundled build-by-digest, run the way the runner runs them. Every case must fail with an error
// that names the input (or the registry) and says how to fix it, and must leave the registry exactly as it was (tags
// listed through the distribution API, the manifests the repository links). Inputs that try to smuggle shell syntax
// or options are never executed and never become flags; secrets never show up in logs, outputs or summaries.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, githubTagEnv, runBundledAction, testbed, tool, uniqueName } from '@moam/testkit';
import { type Case, FIX, type Snapshot, checkMarkersAndClean, errorText, expectRefused, marker, markers, show, snapshot, tempDir } from './support/bad-inputs.ts';

const tb = testbed();

afterAll(checkMarkersAndClean);

const buildRepo = `moam-it/${uniqueName('bad-build')}`;
const buildImage = `${tb.registry}/${buildRepo}`;

function buildInputs(over: Record<string, string> = {}): Record<string, string> {
  return { images: buildImage, platform: 'linux/amd64', context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator, ...over };
}

async function runBuild(over: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun & { handoff: string }> {
  const handoff = await tempDir('handoff');
  const run = await runBundledAction('build-by-digest', { inputs: buildInputs(over), env: { MOAM_HANDOFF_DIR: handoff, ...githubTagEnv('v1.2.3'), ...env } });
  return { ...run, handoff };
}

const BUILD_CASES: readonly Case[] = [
  ['images: upper-case repository path', { images: `${tb.registry}/Moam-It/App` }, [/Input "images": "localhost:5000\/Moam-It\/App" has upper-case letters in its repository path/, FIX]],
  ['images: a tag', { images: `${buildImage}:1.0` }, [/Input "images": ".*:1\.0" carries a tag/, /tags are computed by merge-manifest/]],
  ['images: a digest', { images: `${buildImage}@sha256:${'a'.repeat(64)}` }, [/Input "images": ".*" carries a digest/, FIX]],
  ['images: malformed name', { images: `${tb.registry}/moam-it/bad..name` }, [/Input "images": ".*bad\.\.name" is not a valid image name/, /Fix: give an image name without tag or digest, lower-case/]],
  ['images: the same name twice', { images: `${buildImage}\n${buildImage}` }, [/Input "images": lists ".*" twice/, /Fix: list each image name once/]],
  ['images: empty', { images: '' }, [/Input "images": is required but empty/, /Fix: set it, e.g. images: ghcr.io\/owner\/app/]],
  ['images: only a comment', { images: '# nothing here' }, [/Input "images": is empty/, FIX]],
  ['platform: empty', { platform: '' }, [/Input "platform": is required but empty/, /Fix: set it, e.g. platform: linux\/amd64/]],
  ['platform: a list where one is expected', { platform: 'linux/amd64,linux/arm64' }, [/Input "platform": "linux\/amd64,linux\/arm64" is a list; this input takes exactly one platform/, /run one matrix leg per platform/]],
  ['platform: unknown architecture', { platform: 'linux/sparc' }, [/Input "platform": "linux\/sparc" has an unknown architecture "sparc"/, /Fix: give exactly one platform as os\/arch\[\/variant\]/]],
  ['platform: unknown operating system', { platform: 'beos/amd64' }, [/Input "platform": "beos\/amd64" has an unknown operating system "beos"/, FIX]],
  ['platform: invalid variant', { platform: 'linux/arm/v7x' }, [/Input "platform": "linux\/arm\/v7x" has an invalid variant "v7x"/, FIX]],
  ['platform: not os/arch', { platform: 'amd64' }, [/Input "platform": "amd64" is not os\/arch\[\/variant\]/, FIX]],
  ['context: does not exist', { context: 'no/such/dir' }, [/Input "context": directory "no\/such\/dir" does not exist/, /did you run actions\/checkout\?/]],
  ['file: a missing Dockerfile', { file: 'nope/Dockerfile' }, [/Input "file": Dockerfile "nope\/Dockerfile" does not exist/, /Fix: give the path of your Dockerfile relative to the workspace/]],
  ['build-args: not KEY=VALUE', { 'build-args': 'JUSTAVALUE' }, [/Input "build-args": "JUSTAVALUE" is not KEY=VALUE/, /Fix: give one KEY=VALUE per line/]],
  ['build-args: an invalid name', { 'build-args': '1BAD=x' }, [/Input "build-args": "1BAD" is not a valid build argument name/, FIX]],
  ['labels: not KEY=VALUE', { labels: 'org.example.thing' }, [/Input "labels": "org\.example\.thing" is not KEY=VALUE/, FIX]],
  ['target: not a stage name', { target: 'build stage!' }, [/Input "target": "build stage!" is not a build stage name/, /FROM \.\.\. AS <name>/]],
  ['provenance: unknown setting', { provenance: 'maybe' }, [/Input "provenance": "maybe" is not a provenance setting/, /Fix: use mode=max, mode=min or false/]],
  ['sbom: not a boolean', { sbom: 'yes' }, [/Input "sbom": "yes" is not a boolean/, /Fix: use true or false/]],
  ['push: not a boolean', { push: 'sometimes' }, [/Input "push": "sometimes" is not a boolean/, FIX]],
  ['sbom-generator: a tag that is not one', { 'sbom-generator': 'localhost:5000/moam/sbom-generator:bad tag' }, [/Input "sbom-generator": .* has an invalid tag "bad tag"/, FIX]],
  ['secrets: an id with a space', { secrets: 'MY TOKEN=abc' }, [/Input "secrets": secret id "MY TOKEN" has characters other than letters, digits, \. _ -/, FIX]],
  ['artifact-prefix: a slash', { 'artifact-prefix': 'digests/x' }, [/Input "artifact-prefix": "digests\/x" is not usable in an artifact name/, FIX]],
  ['builder: not a builder name', { builder: 'no such builder' }, [/Input "builder": "no such builder" is not a builder name/, /docker buildx ls/]],
  ['builder: a builder that does not exist', { builder: 'moam-no-such-builder' }, [/Input "builder": buildx builder "moam-no-such-builder" is not available/, /Fix: create it first/]],
  ['cache-to: the docker driver cannot export cache', { 'cache-to': 'type=local,dest=/tmp/moam-never' }, [/Input "cache-to": the "docker" driver of builder "default" cannot export build cache/, /Fix: remove cache-to, or use a docker-container builder/]],
  ['several problems at once are all reported', { images: `${tb.registry}/UPPER/app`, platform: 'linux/amd64,linux/arm64', sbom: 'perhaps' }, [/invalid inputs \(3 problems\)/, /Input "images"/, /Input "platform"/, /Input "sbom"/]],
];

// Option smuggling and shell syntax that must be refused before any tool runs.
const SMUGGLE_CASES: readonly Case[] = [
  ['images: "-oops"', { images: '-oops' }, [/Input "images": "-oops" starts with "-"; image names never do/]],
  ['images: a second line "--push"', { images: `${buildImage}\n--push` }, [/Input "images": "--push" starts with "-"/]],
  ['images: $(...) in the name', { images: `${tb.registry}/moam-it/$(touch ${marker('images')})` }, [/Input "images": ".*\$\(touch .*\)" is not a valid image name/]],
  ['platform: "--help"', { platform: '--help' }, [/Input "platform": "--help" is not os\/arch\[\/variant\]/]],
  ['platform: a newline and a flag', { platform: 'linux/amd64\n--push' }, [/Input "platform": "linux\/amd64\n--push" is a list; this input takes exactly one platform/]],
  ['context: "--push"', { context: '--push' }, [/Input "context": "--push" starts with "-" and would be read as an option/, /Fix: give a value, not a flag/]],
  ['file: "--file=/etc/passwd"', { file: '--file=/etc/passwd' }, [/Input "file": "--file=\/etc\/passwd" starts with "-" and would be read as an option/]],
  ['build-args: "--output=type=local,dest=…"', { 'build-args': `--output=type=local,dest=${marker('build-arg-key')}` }, [/Input "build-args": key "--output" starts with "-"/]],
  ['labels: a key "--push"', { labels: '--push=true' }, [/Input "labels": key "--push" starts with "-"/]],
  ['target: backticks', { target: `\`touch ${marker('target')}\`` }, [/Input "target": "`touch .*`" is not a build stage name/]],
  ['builder: ";" and a command', { builder: `default; touch ${marker('builder')}` }, [/Input "builder": "default; touch .*" is not a builder name/]],
  ['sbom-generator: "--privileged"', { 'sbom-generator': '--privileged' }, [/Input "sbom-generator": "--privileged" starts with "-"/]],
  ['cache-from: "--push"', { 'cache-from': '--push' }, [/Input "cache-from": "--push" starts with "-"/]],
  ['artifact-prefix: $(...)', { 'artifact-prefix': `$(touch ${marker('prefix')})` }, [/Input "artifact-prefix": ".*" is not usable in an artifact name/]],
];

describe('bad inputs: build-by-digest', () => {
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot(buildRepo, []);
    expect(before).toEqual({ tags: [], heads: {}, stored: [] });
  });

  it.each([...BUILD_CASES, ...SMUGGLE_CASES])('%s', async (_name, inputs, patterns) => {
    const run = await runBuild(inputs);
    expectRefused(run, patterns);
    expect(run.outputs.digest ?? '').toBe('');
    expect(await readdir(run.handoff)).toEqual([]);
    expect(await snapshot(buildRepo, [])).toEqual(before);
  });

  it('inputs carrying $(...), backticks, ";" and flag-like values are passed as plain values: nothing runs, no flag is added', async () => {
    const out = marker('output-dir');
    const run = await runBuild({
      'build-args': [
        `BUSYBOX_IMAGE=${tb.busyboxImage}`,
        `SUB=$(touch ${marker('build-arg-subst')})`,
        `TICKS=\`touch ${marker('build-arg-ticks')}\``,
        `SEMI=x; touch ${marker('build-arg-semi')}`,
        `OUT=--output=type=local,dest=${out}`,
        `PUSH=--push`,
      ].join('\n'),
      labels: `org.example.note=$(touch ${marker('label')})`,
      annotations: `org.example.note=\`touch ${marker('annotation')}\``,
      push: 'false',
    });
    expect(run.exitCode, show(run)).toBe(0);
    // buildx got them as --build-arg=NAME=value: one argument each, never split into a flag.
    expect(run.stdout).toMatch(/\[command\] docker buildx build .* --build-arg=OUT=--output=type=local,dest=\/tmp\/moam-pwned-/);
    expect(run.stdout).toMatch(/'--build-arg=SUB=\$\(touch /);
    expect(run.stdout).not.toMatch(/ --push( |$)/m);
    for (const m of markers) expect(existsSync(m), m).toBe(false);
    expect(await snapshot(buildRepo, [run.outputs.digest as string])).toEqual({ ...before, heads: { [run.outputs.digest as string]: 404 } });
  });

  it('secrets never appear in stdout, stderr, outputs or the summary', async () => {
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const run = await runBuild({ secrets: `TOKEN=${secret}`, push: 'false' });
    expect(run.exitCode, show(run)).toBe(0);
    // The one place it may appear is the runner's ::add-mask:: command, which the runner consumes and never shows.
    expect(run.stdout.split('\n').filter((l) => l.includes(secret))).toEqual([`::add-mask::${secret}`]);
    const shown = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    for (const [where, text] of [['stdout', shown], ['stderr', run.stderr], ['outputs', JSON.stringify(run.outputs)], ['summary', run.summary]] as const) expect(text, where).not.toContain(secret);
    expect(run.stdout).toMatch(/--secret=id=TOKEN,env=MOAM_BUILD_SECRET_0/);
  });

  it('a secret is not echoed when another input is invalid', async () => {
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const run = await runBuild({ secrets: `TOKEN=${secret}`, platform: 'linux/sparc' });
    expectRefused(run, [/Input "platform"/]);
    for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) expect(text).not.toContain(secret);
  });

  // A secrets line without "id=" may be the secret itself: the refusal must not quote it (nothing is masked yet
  // while the inputs parse; setSecret runs after).
  it('a secret given without an id is refused without echoing it', async () => {
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const run = await runBuild({ secrets: secret });
    expect(run.exitCode).toBe(1);
    expect(errorText(run)).toMatch(/Input "secrets"/);
    expect(errorText(run)).not.toContain(secret);
  });

  it('a registry that rejects the credentials (wrong password for the TLS registry): fails naming it, nothing uploaded', async () => {
    const repo = `moam-it/${uniqueName('bad-creds')}`;
    const dockerConfig = await tempDir('docker');
    const auth = Buffer.from(`${tb.tlsUser}:wrong-${randomBytes(4).toString('hex')}`).toString('base64');
    await writeFile(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [tb.tlsRegistry]: { auth } } }));
    const curl = (p: string) => tool('curl', ['-sS', '--cacert', process.env.MOAM_TLS_CA as string, '-u', `${tb.tlsUser}:${tb.tlsPassword}`, '-o', '/dev/null', '-w', '%{http_code}', `https://${tb.tlsRegistry}/v2/${repo}/${p}`]);
    const tagsBefore = await curl('tags/list');
    const run = await runBuild({ images: `${tb.tlsRegistry}/${repo}` }, { DOCKER_CONFIG: dockerConfig });
    expectRefused(run, [/localhost:5443\/moam-it\/bad-creds-[0-9a-f]+: .* failed: 401 UNAUTHORIZED/, /Fix: the credentials for localhost:5443 \(from .*config\.json.*\) were rejected; check the username and password\/token, then log in again/]);
    expect(await readdir(run.handoff)).toEqual([]);
    expect(tagsBefore).toBe('404');
    expect(await curl('tags/list')).toBe('404'); // the repository still does not exist
    expect(run.stdout + run.stderr).not.toContain(auth);
  });
});
