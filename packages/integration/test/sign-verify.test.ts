import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { buildLegs, githubTagEnv, merge, registryTags, repoRoot, runBundledAction, startCosignMirror, testbed, uniqueName } from '@moam/testkit';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';

// Real cosign 2.5.0 signs keyless against the Fulcio stand-in with tokens from the GitHub OIDC stand-in;
// the public Sigstore is unreachable here, everything else (registry, cosign, the actions) is real.
const tb = testbed();

describe('sign-recursive + verify, keyless, through the bundled actions', () => {
  let oidc: OidcService;
  let fulcio: FulcioStandIn;
  let strangerFulcio: FulcioStandIn;
  let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
  let cosignEnv: Record<string, string>;
  let install: Record<string, string>;
  const repo = `moam-it/${uniqueName('keyless')}`;
  const image = `${tb.registry}/${repo}`;
  let index = '';
  let platforms: Record<string, string> = {};

  const sign = (img: string, digest: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runBundledAction('sign-recursive', { inputs: { images: img, digest, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install, ...extra }, env: { ...cosignEnv, ...oidc.env, ...env } });
  const verify = (ref: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runBundledAction('verify', { inputs: { image: ref, repository: 'moam/app', 'insecure-ignore-tlog': 'true', ...install, ...extra }, env: { ...cosignEnv, ...env } });

  beforeAll(async () => {
    oidc = await startOidcService({ claims: { repository: 'moam/app', ref: 'refs/tags/v1.0.0' } });
    fulcio = await startFulcio({ issuers: [oidc] });
    strangerFulcio = await startFulcio({ issuers: [oidc] });
    mirror = await startCosignMirror(tb.cosign);
    install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
    const home = await mkdtemp(path.join(os.tmpdir(), 'moam-cosign-home-'));
    cosignEnv = { ...fulcio.env, HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'moam/app' };
    const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
    const merged = await merge(image, legs.handoff, githubTagEnv('v1.0.0'));
    expect(merged.exitCode, merged.stdout).toBe(0);
    index = merged.outputs.digest as string;
    const manifest = JSON.parse(merged.outputs.manifest as string) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> };
    platforms = Object.fromEntries(manifest.manifests.filter((m) => m.platform.os === 'linux').map((m) => [`linux/${m.platform.architecture}`, m.digest]));
  });
  afterAll(async () => {
    await Promise.all([oidc?.close(), fulcio?.close(), strangerFulcio?.close(), mirror?.close()]);
  });

  it('refuses a tag instead of a digest, and keyless without id-token: write', async () => {
    const byTag = await sign(image, '1.0.0');
    expect(byTag.exitCode).toBe(1);
    expect(byTag.errors.join('\n')).toMatch(/Input "digest": "1.0.0" looks like a tag; signing is by digest only/);
    const noToken = await sign(image, index, {}, { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.errors.join('\n')).toMatch(/id-token: write/);
  });

  it('signs the index, both platform manifests and both attestation manifests', async () => {
    const run = await sign(image, index);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const signed = JSON.parse(run.outputs.signed as string) as Array<{ digest: string; kind: string; status: string }>;
    expect(signed.map((s) => `${s.kind}:${s.status}`).sort()).toEqual(['attestation:signed', 'attestation:signed', 'index:signed', 'platform:signed', 'platform:signed']);
    expect(run.outputs['cosign-version']).toBe('2.5.0');
    expect(fulcio.issued.at(-1)?.san).toBe('https://github.com/moam/app/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(run.stdout).not.toContain(oidc.mintToken().split('.')[0] + '.' + 'x');
  });

  it('verifies by tag, by index digest and by each platform digest', async () => {
    for (const ref of [`${image}:1.0.0`, `${image}@${index}`, `${image}@${platforms['linux/amd64']}`, `${image}@${platforms['linux/arm64']}`]) {
      const run = await verify(ref, ref.endsWith(':1.0.0') ? { platforms: 'linux/amd64,linux/arm64' } : { 'require-attestations': 'none' });
      expect(run.exitCode, `${ref}\n${run.stdout}`).toBe(0);
      expect(run.outputs.verified).toBe('true');
    }
    const byTag = await verify(`${image}:1.0.0`);
    const report = JSON.parse(byTag.outputs.report as string) as { digest: string; digests: Array<{ kind: string; identity: string; workflowRepository: string; attestations?: { provenance: boolean; sbom: boolean } }> };
    expect(report.digest).toBe(index);
    expect(report.digests.map((d) => d.kind)).toEqual(['index', 'platform', 'platform']);
    expect(report.digests.every((d) => d.identity === 'https://github.com/moam/app/.github/workflows/release.yml@refs/tags/v1.0.0' && d.workflowRepository === 'moam/app')).toBe(true);
    expect(report.digests.filter((d) => d.attestations).every((d) => d.attestations?.provenance && d.attestations.sbom)).toBe(true);
    expect(byTag.summary).toContain('verify: verified');
  });

  it('scripts/verify-signature.sh verifies the index and each platform, and refuses another repository', async () => {
    const script = (env: Record<string, string>) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile('bash', [path.join(repoRoot, 'scripts/verify-signature.sh'), '1.0.0'], { env: { ...process.env, ...cosignEnv, IMAGE: image, REPOSITORY: 'moam/app', COSIGN_FLAGS: '--insecure-ignore-tlog=true', ...env } }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
      });
    const ok = await script({});
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out.match(/^ok {4}/gm)).toHaveLength(3);
    const wrong = await script({ REPOSITORY: 'moam/other' });
    expect(wrong.code).toBe(1);
    expect(wrong.out.match(/^FAIL {2}/gm)).toHaveLength(3);
  });

  it('a re-run of sign adds no signature', async () => {
    const sigTags = (await registryTags(tb.registry, repo)).filter((t) => t.endsWith('.sig'));
    const before = await Promise.all(sigTags.map(async (t) => (await fetch(`http://${tb.registry}/v2/${repo}/manifests/${t}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).headers.get('docker-content-digest')));
    const run = await sign(image, index);
    expect(run.exitCode, run.stdout).toBe(0);
    expect((JSON.parse(run.outputs.signed as string) as Array<{ status: string }>).every((s) => s.status === 'skipped')).toBe(true);
    const after = await Promise.all(sigTags.map(async (t) => (await fetch(`http://${tb.registry}/v2/${repo}/manifests/${t}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).headers.get('docker-content-digest')));
    expect(sigTags).toHaveLength(5);
    expect(after).toEqual(before);
  });

  it.each<[string, Record<string, string>, Record<string, string>, RegExp]>([
    ['a wrong repository', { repository: 'moam/other' }, {}, /no-match/],
    ['a wrong workflow', { workflow: '.github/workflows/build.yml' }, {}, /no-match/],
    ['a wrong ref', { 'ref-pattern': 'refs/tags/v9.9.9' }, {}, /no-match/],
    ['a wrong issuer', { 'certificate-oidc-issuer': 'https://accounts.google.com' }, {}, /no-match/],
    ['an identity regexp that only matches unanchored', { 'certificate-identity-regexp': 'moam/app/.github/workflows/release.yml@refs/tags/v1' }, {}, /no-match/],
  ])('verify fails for %s, naming every failing digest', async (_name, inputs, env, why) => {
    const run = await verify(`${image}:1.0.0`, inputs, env);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verified).toBe('false');
    const message = run.errors.join('\n');
    expect(message).toMatch(why);
    for (const d of [index, platforms['linux/amd64'], platforms['linux/arm64']]) expect(message).toContain(d);
  });

  it('verify fails against an untrusted root', async () => {
    const run = await verify(`${image}:1.0.0`, {}, strangerFulcio.env);
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/signature not verified/);
  });

  it('verify fails for an unsigned image and for an image signed by another repository', async () => {
    const otherRepo = `moam-it/${uniqueName('other')}`;
    const other = `${tb.registry}/${otherRepo}`;
    const legs = await buildLegs(other, ['linux/amd64', 'linux/arm64']);
    const merged = await merge(other, legs.handoff, githubTagEnv('v1.0.0'));
    const unsigned = await verify(`${other}:1.0.0`);
    expect(unsigned.exitCode).toBe(1);
    expect(unsigned.errors.join('\n')).toMatch(/no-signatures/);
    oidc.setClaims({ repository: 'someone/else' });
    const signedElsewhere = await sign(other, merged.outputs.digest as string).finally(() => oidc.setClaims({ repository: 'moam/app' }));
    expect(signedElsewhere.exitCode, signedElsewhere.stdout).toBe(0);
    const run = await verify(`${other}:1.0.0`);
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/no-match/);
  });

  it('a non-recursive signing leaves platform manifests unsigned, and verify says which', async () => {
    const r = `moam-it/${uniqueName('flat')}`;
    const img = `${tb.registry}/${r}`;
    const legs = await buildLegs(img, ['linux/amd64', 'linux/arm64']);
    const merged = await merge(img, legs.handoff, githubTagEnv('v1.0.0'));
    expect((await sign(img, merged.outputs.digest as string, { recursive: 'false' })).exitCode).toBe(0);
    const run = await verify(`${img}:1.0.0`);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.outputs.report as string) as { digests: Array<{ kind: string; verified: boolean }> };
    expect(report.digests.map((d) => `${d.kind}:${d.verified}`)).toEqual(['index:true', 'platform:false', 'platform:false']);
  });
});
