// Who signed, exactly, with the real cosign and the transparency log on (Fulcio, Rekor and GitHub OIDC stand-ins):
// tokens minted the way GitHub mints them for a REUSABLE-workflow call (workflow_ref = the caller's workflow,
// job_workflow_ref = our multi-arch.yml at a tag, or at a bare SHA when the caller pins it by SHA). verify pins
// the signer and the caller (repository, source ref, trigger); every wrong one is refused. A private repository
// is not published to the public logs without opting in. The consumer script verifies the same way.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  type FulcioStandIn,
  type Legs,
  type OidcService,
  type RekorStandIn,
  buildLegs,
  githubTagEnv,
  legsIn,
  merge,
  registryTags,
  repoRoot,
  runBundledAction,
  startCosignMirror,
  startFulcio,
  startOidcService,
  startRekor,
  testbed,
  uniqueName,
} from '@moam/testkit';

const tb = testbed();
const MOAM = 'moam-project/multi-arch-of-madness';
const CALLER = 'octo-org/app';
const SHA = 'c0ffee00'.repeat(5);
const show = (r: ActionRun) => `exit ${r.exitCode}\n${r.errors.join('\n')}\n${r.stdout.slice(-3000)}`;

let legs: Legs;
let oidc: OidcService;
let fulcio: FulcioStandIn;
let rekor: RekorStandIn;
let otherRekor: RekorStandIn;
let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
let install: Record<string, string>;
let trust: Record<string, string>;
let home = '';
const dirs: string[] = [];

/** GitHub's claims for a job of OUR reusable workflow, called by CALLER's release.yml on a tag push. */
const reusableCall = (calledAt: string, over: Record<string, string> = {}) => ({
  repository: CALLER,
  ref: 'refs/tags/v1.2.3',
  workflow_ref: `${CALLER}/.github/workflows/release.yml@refs/tags/v1.2.3`,
  job_workflow_ref: `${MOAM}/.github/workflows/multi-arch.yml@${calledAt}`,
  job_workflow_sha: SHA,
  event_name: 'push',
  ...over,
});

async function released(name: string): Promise<{ image: string; repo: string; index: string }> {
  const repo = `moam-it/${uniqueName(name)}`;
  const image = `${tb.registry}/${repo}`;
  const handoff = await legsIn(tb.registry, legs, repo, image);
  dirs.push(handoff);
  const m = await merge(image, handoff, githubTagEnv('v1.2.3'));
  expect(m.exitCode, show(m)).toBe(0);
  return { image, repo, index: m.outputs.digest as string };
}

function sign(image: string, digest: string, claims: Record<string, string>, inputs: Record<string, string> = {}): Promise<ActionRun> {
  oidc.setClaims(claims);
  return runBundledAction('sign-recursive', {
    inputs: { images: image, digest, 'fulcio-url': fulcio.url, 'rekor-url': rekor.url, ...trust, ...install, ...inputs },
    env: { ...oidc.env, HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com' },
  });
}

const consumer = (over: Record<string, string> = {}): Record<string, string> => ({
  'workflow-repository': MOAM,
  workflow: '.github/workflows/multi-arch.yml',
  'ref-pattern': 'tags',
  repository: CALLER,
  'source-ref': 'refs/tags/v1.2.3',
  trigger: 'push',
  'rekor-url': rekor.url,
  ...trust,
  ...install,
  ...over,
});
const verify = (ref: string, inputs: Record<string, string>) =>
  runBundledAction('verify', { inputs: { image: ref, ...inputs }, env: { HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: CALLER } });

beforeAll(async () => {
  const repo = `moam-it/${uniqueName('identity-legs')}`;
  const built = await buildLegs(`${tb.registry}/${repo}`, ['linux/amd64', 'linux/arm64']);
  legs = { repo, handoff: built.handoff, digests: built.digests };
  dirs.push(built.handoff);
  [oidc, rekor, otherRekor, mirror] = await Promise.all([startOidcService(), startRekor(), startRekor(), startCosignMirror(tb.cosign)]);
  fulcio = await startFulcio({ issuers: [oidc] });
  install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
  trust = { 'fulcio-root': fulcio.rootPem + fulcio.intermediatePem, 'rekor-public-key': rekor.publicKeyPem, 'ct-log-public-key': fulcio.ctLogPublicKeyPem };
  home = await mkdtemp(path.join(os.tmpdir(), 'moam-identity-home-'));
  dirs.push(home);
});
afterAll(async () => {
  await Promise.all([oidc?.close(), fulcio?.close(), rekor?.close(), otherRekor?.close(), mirror?.close()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('through the reusable workflow called at a tag', () => {
  let image = '';
  let index = '';
  beforeAll(async () => {
    ({ image, index } = await released('identity-tag'));
    const s = await sign(image, index, reusableCall('refs/tags/v1'));
    expect(s.exitCode, show(s)).toBe(0);
    expect(s.outputs['signer-identity']).toBe(`https://github.com/${MOAM}/.github/workflows/multi-arch.yml@refs/tags/v1`);
    expect(rekor.entries.length).toBeGreaterThanOrEqual(5);
  });

  it('verifies the signer, the caller\'s repository, source ref and trigger, with the log entry', async () => {
    for (const over of [{}, { 'ref-pattern': 'any' }, { 'ref-pattern': 'refs/tags/v1' }] as Array<Record<string, string>>) {
      const r = await verify(`${image}@${index}`, consumer(over));
      expect(r.exitCode, show(r)).toBe(0);
    }
  });

  it.each<[string, Record<string, string>]>([
    ['another repository', { repository: 'octo-org/other' }],
    ['another source ref (another tag)', { 'source-ref': 'refs/tags/v9.9.9' }],
    ['another source ref (a branch)', { 'source-ref': 'refs/heads/main' }],
    ['another trigger', { trigger: 'workflow_dispatch' }],
    ['another workflow of ours', { workflow: '.github/workflows/build.yml' }],
    ['the caller\'s release.yml as the identity', { 'workflow-repository': CALLER, workflow: '.github/workflows/release.yml' }],
    ['another ref of the reusable workflow', { 'ref-pattern': 'refs/tags/v2' }],
    ['another Rekor\'s key', { 'rekor-public-key': '' }],
  ])('refuses %s', async (name, over) => {
    const inputs = consumer(over);
    if (name.includes('Rekor')) inputs['rekor-public-key'] = otherRekor.publicKeyPem;
    const r = await verify(`${image}@${index}`, inputs);
    expect(r.exitCode, show(r)).toBe(1);
    expect(r.outputs.verified).toBe('false');
    expect(r.errors.join('\n')).toMatch(name.includes('Rekor') ? /signature not verified \(no-match: .*(rekor|tlog|transparency)/i : /signature not verified \(no-match/);
  });

  it('scripts/verify-signature.sh verifies the index and each platform for this caller and ref, and refuses another', async () => {
    const pem = async (name: string, text: string) => {
      const f = path.join(home, name);
      await writeFile(f, text);
      return f;
    };
    const env = {
      ...process.env,
      HOME: home,
      TUF_ROOT: path.join(home, '.sigstore'),
      IMAGE: image,
      REPOSITORY: CALLER,
      WORKFLOW_REPOSITORY: MOAM,
      WORKFLOW: '.github/workflows/multi-arch.yml',
      SOURCE_REF: 'refs/tags/v1.2.3',
      TRIGGER: 'push',
      COSIGN_FLAGS: `--rekor-url=${rekor.url}`,
      SIGSTORE_ROOT_FILE: await pem('root.pem', fulcio.rootPem + fulcio.intermediatePem),
      SIGSTORE_REKOR_PUBLIC_KEY: await pem('rekor.pem', rekor.publicKeyPem),
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: await pem('ct.pem', fulcio.ctLogPublicKeyPem),
    };
    const script = (over: Record<string, string>) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile('bash', [path.join(repoRoot, 'scripts/verify-signature.sh'), index], { env: { ...env, ...over } }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
      });
    const ok = await script({});
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out.match(/^ok {4}/gm)).toHaveLength(3);
    for (const over of [{ REPOSITORY: 'octo-org/other' }, { SOURCE_REF: 'refs/tags/v0.0.1' }, { WORKFLOW: '.github/workflows/release.yml' }] as Array<Record<string, string>>) {
      const bad = await script(over);
      expect(bad.code, JSON.stringify(over)).toBe(1);
      expect(bad.out.match(/^FAIL {2}/gm)).toHaveLength(3);
    }
  });
});

describe('through the reusable workflow pinned by SHA', () => {
  it('the signer is multi-arch.yml@<sha>: accepted under any and sha:<sha>, refused under tags, branches or another SHA', async () => {
    const { image, index } = await released('identity-sha');
    const s = await sign(image, index, reusableCall(SHA));
    expect(s.exitCode, show(s)).toBe(0);
    expect(s.outputs['signer-identity']).toBe(`https://github.com/${MOAM}/.github/workflows/multi-arch.yml@${SHA}`);
    for (const pattern of ['any', `sha:${SHA}`]) {
      const r = await verify(`${image}@${index}`, consumer({ 'ref-pattern': pattern }));
      expect(r.exitCode, `${pattern}\n${show(r)}`).toBe(0);
    }
    // The exact identity the sign job reported, as the workflow's own verify job passes it.
    const exact = await verify(`${image}@${index}`, consumer({ 'ref-pattern': 'any', 'certificate-identity': s.outputs['signer-identity'] as string }));
    expect(exact.exitCode, show(exact)).toBe(0);
    for (const pattern of ['tags', 'branches', `sha:${'d'.repeat(40)}`]) {
      const r = await verify(`${image}@${index}`, consumer({ 'ref-pattern': pattern }));
      expect(r.exitCode, pattern).toBe(1);
    }
  });
});

describe('a private repository', () => {
  it('is not signed with the public Sigstore without opting in: refused before anything is signed or logged', async () => {
    const { image, repo, index } = await released('identity-private');
    const issued = fulcio.issued.length;
    const logged = rekor.entries.length;
    const r = await sign(image, index, reusableCall('refs/tags/v1', { repository_visibility: 'private' }), { 'fulcio-url': '', 'rekor-url': '' });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/Input "private-repository": octo-org\/app is private, and signing keyless with the public Sigstore would publish its name, the workflow path and ref, the commit SHA, the trigger and the run's URL in Fulcio's public certificate transparency log .* and in the public Rekor transparency log/);
    expect(r.errors.join('\n')).toMatch(/Fix: set private-repository: true to accept that/);
    expect(fulcio.issued.length).toBe(issued);
    expect(rekor.entries.length).toBe(logged);
    expect((await registryTags(tb.registry, repo)).filter((t) => t.endsWith('.sig'))).toEqual([]);
  });

  it('signs with its own Sigstore (a private deployment) without opting in', async () => {
    const { image, index } = await released('identity-private-own');
    const r = await sign(image, index, reusableCall('refs/tags/v1', { repository_visibility: 'private' }));
    expect(r.exitCode, show(r)).toBe(0);
  });
});
