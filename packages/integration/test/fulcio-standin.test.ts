import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import * as core from '@actions/core';
import { testbed, tool, uniqueName } from '@moam/testkit';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';
import { withEnv } from '../../testkit/src/http-util.ts';

// The real cosign 2.5.0 signs keyless through the OIDC + Fulcio stand-ins and verifies offline
// (--tlog-upload=false / --insecure-ignore-tlog; the embedded SCT and the CA chain are checked for real).

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const tb = testbed();
const ISSUER = 'https://token.actions.githubusercontent.com';
const REPO = 'octo-org/octo-repo';
const IDENTITY = '^https://github\\.com/octo-org/octo-repo/\\.github/workflows/release\\.yml@refs/tags/v[0-9.]+$';

let oidc: OidcService;
let fulcio: FulcioStandIn;
let otherFulcio: FulcioStandIn; // a second CA: its root is "untrusted" for signatures from `fulcio`
let home: string;

function cosign(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      tb.cosign,
      args,
      { env: { ...process.env, HOME: home, TUF_ROOT: path.join(home, 'tuf'), ...fulcio.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** A fresh copy of the test bed busybox index in its own repository (so signatures never collide); returns repo@digest. */
async function freshImage(prefix: string): Promise<string> {
  const repo = `moam-test/${uniqueName(prefix)}`;
  await tool('docker', ['buildx', 'imagetools', 'create', '-t', `${tb.registry}/${repo}:t`, tb.busyboxImage]);
  const res = await fetch(`http://${tb.registry}/v2/${repo}/manifests/t`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' },
  });
  const digest = res.headers.get('docker-content-digest');
  if (!res.ok || !digest) throw new Error(`cannot resolve ${repo}:t (${res.status})`);
  return `${tb.registry}/${repo}@${digest}`;
}

const sign = (image: string, token: string): Promise<Run> => cosign(['sign', '--yes', `--fulcio-url=${fulcio.url}`, `--identity-token=${token}`, '--tlog-upload=false', image]);
const verify = (image: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Run> =>
  cosign(['verify', '--insecure-ignore-tlog', `--certificate-identity-regexp=${IDENTITY}`, `--certificate-oidc-issuer=${ISSUER}`, ...extra, image], env);

let signed: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'moam-cosign-home-'));
  oidc = await startOidcService({ claims: { repository: REPO, sha: '0123456789abcdef0123456789abcdef01234567', workflow: 'Release', event_name: 'push' } });
  fulcio = await startFulcio({ issuers: [oidc] });
  otherFulcio = await startFulcio({ issuers: [oidc] });
  signed = await freshImage('fulcio');
});

afterAll(async () => {
  await fulcio?.close();
  await otherFulcio?.close();
  await oidc?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('Fulcio stand-in with the real cosign 2.5.0', () => {
  it('signs keyless with a token from getIDToken("sigstore"): cosign verifies the embedded SCT', async () => {
    const token = await withEnv(oidc.env, () => core.getIDToken('sigstore'));
    const r = await sign(signed, token);
    expect(r.stderr).toContain('Successfully verified SCT');
    expect(r.code).toBe(0);
    expect(fulcio.issued).toHaveLength(1);
    expect(fulcio.issued[0]?.san).toBe(`https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v1.0.0`);
  });

  it('issues a Fulcio-shaped leaf: empty subject, critical SAN, code signing, GitHub OIDs .1.1-.1.22, 10 minutes, chained to the root', () => {
    const pem = fulcio.issued[0]?.certPem as string;
    const leaf = new x509.X509Certificate(pem);
    expect(leaf.subject).toBe('');
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.critical).toBe(true);
    expect(san?.names.items.map((n) => [n.type, n.value])).toEqual([['url', `https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v1.0.0`]]);
    const ku = leaf.getExtension(x509.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.codeSigning]);
    expect(leaf.notAfter.getTime() - leaf.notBefore.getTime()).toBe(600_000);
    const raw = (n: number): string => Buffer.from(leaf.getExtension(`1.3.6.1.4.1.57264.1.${n}`)?.value ?? new ArrayBuffer(0)).toString('utf8');
    const der = (n: number): string => {
      const v = Buffer.from(leaf.getExtension(`1.3.6.1.4.1.57264.1.${n}`)?.value ?? new ArrayBuffer(0));
      expect(v[0]).toBe(0x0c); // UTF8String
      return v.subarray(2).toString('utf8');
    };
    expect([1, 2, 3, 4, 5, 6].map(raw)).toEqual([ISSUER, 'push', '0123456789abcdef0123456789abcdef01234567', 'Release', REPO, 'refs/tags/v1.0.0']);
    expect(der(8)).toBe(ISSUER);
    expect(der(9)).toBe(`https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v1.0.0`);
    expect(der(12)).toBe(`https://github.com/${REPO}`);
    expect(der(14)).toBe('refs/tags/v1.0.0');
    expect(der(15)).toBe('123456789');
    expect(der(18)).toBe(`https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v1.0.0`);
    expect(der(21)).toBe(`https://github.com/${REPO}/actions/runs/4242424242/attempts/1`);
    expect(leaf.getExtension('1.3.6.1.4.1.11129.2.4.2')).not.toBeNull(); // embedded SCT list
    const node = new NodeX509(pem);
    expect(node.verify(new NodeX509(fulcio.intermediatePem).publicKey)).toBe(true);
    expect(new NodeX509(fulcio.intermediatePem).verify(new NodeX509(fulcio.rootPem).publicKey)).toBe(true);
  });

  it('verifies with an anchored identity, the issuer and the GitHub workflow claims; stdout is the JSON payload array', async () => {
    const r = await verify(signed, [
      `--certificate-github-workflow-repository=${REPO}`,
      '--certificate-github-workflow-ref=refs/tags/v1.0.0',
      '--certificate-github-workflow-sha=0123456789abcdef0123456789abcdef01234567',
      '--certificate-github-workflow-trigger=push',
      '--certificate-github-workflow-name=Release',
    ]);
    expect(r.stderr).toContain('The code-signing certificate was verified using trusted certificate authority certificates');
    expect(r.code).toBe(0);
    const payloads = JSON.parse(r.stdout) as Array<{ critical: { image: { 'docker-manifest-digest': string } }; optional: Record<string, string> }>;
    expect(payloads).toHaveLength(1);
    expect(payloads[0]?.critical.image['docker-manifest-digest']).toBe(signed.split('@')[1]);
    expect(payloads[0]?.optional).toMatchObject({
      Issuer: ISSUER,
      Subject: `https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v1.0.0`,
      githubWorkflowRepository: REPO,
      githubWorkflowRef: 'refs/tags/v1.0.0',
      githubWorkflowSha: '0123456789abcdef0123456789abcdef01234567',
      githubWorkflowTrigger: 'push',
      githubWorkflowName: 'Release',
      '1.3.6.1.4.1.57264.1.1': ISSUER,
    });
  });

  it('fails (exit 12) when the expected repository or identity does not match', async () => {
    const repo = await verify(signed, ['--certificate-github-workflow-repository=octo-org/other']);
    expect(repo.code).toBe(12);
    expect(repo.stderr).toContain('no matching signatures: expected GitHub Workflow Repository not found in certificate');
    const id = await cosign(['verify', '--insecure-ignore-tlog', '--certificate-identity-regexp=^https://github\\.com/octo-org/octo-repo/\\.github/workflows/other\\.yml@.*$', `--certificate-oidc-issuer=${ISSUER}`, signed]);
    expect(id.code).toBe(12);
    expect(id.stderr).toContain('none of the expected identities matched what was in the certificate');
    const iss = await cosign(['verify', '--insecure-ignore-tlog', `--certificate-identity-regexp=${IDENTITY}`, '--certificate-oidc-issuer=https://accounts.google.com', signed]);
    expect(iss.code).toBe(12);
  });

  it('fails (exit 12) against an untrusted root, and when the CT log key is not the one that signed the SCT', async () => {
    const root = await verify(signed, [], { SIGSTORE_ROOT_FILE: otherFulcio.env.SIGSTORE_ROOT_FILE });
    expect(root.code).toBe(12);
    expect(root.stderr).toContain('x509: certificate signed by unknown authority');
    const ct = await verify(signed, [], { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: otherFulcio.env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE });
    expect(ct.code).toBe(12);
    expect(ct.stderr).toContain('ctfe public key not found');
  });

  it('a signature made as another repository (a fork) does not pass for ours', async () => {
    const image = await freshImage('fulcio-fork');
    const r = await sign(image, oidc.mintToken({ aud: 'sigstore', repository: 'evil/fork', workflow_ref: 'evil/fork/.github/workflows/release.yml@refs/tags/v1.0.0' }));
    expect(r.code).toBe(0);
    const v = await cosign(['verify', '--insecure-ignore-tlog', '--certificate-identity-regexp=^https://github\\.com/.*$', `--certificate-oidc-issuer=${ISSUER}`, `--certificate-github-workflow-repository=${REPO}`, image]);
    expect(v.code).toBe(12);
    expect(v.stderr).toContain('expected GitHub Workflow Repository not found in certificate');
  });

  it('exit 10 for an image without signatures, exit 1 for bad usage', async () => {
    const unsigned = await freshImage('fulcio-unsigned');
    const none = await verify(unsigned, [`--certificate-github-workflow-repository=${REPO}`]);
    expect(none.code).toBe(10);
    expect(none.stderr).toContain('Error: no signatures found');
    const usage = await cosign(['verify', '--insecure-ignore-tlog', `--certificate-oidc-issuer=${ISSUER}`, signed]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('--certificate-identity or --certificate-identity-regexp is required');
  });

  it('refuses tokens Fulcio would refuse: wrong audience, untrusted signer, expired (401), so cosign sign fails', async () => {
    const before = fulcio.issued.length;
    const image = await freshImage('fulcio-refused');
    const aud = await sign(image, oidc.mintToken({ aud: 'not-sigstore' }));
    expect(aud.code).not.toBe(0);
    expect(aud.stderr).toMatch(/signingCert returned 401 Unauthorized.*token audience not-sigstore does not include sigstore/);
    const impostor = await startOidcService({ issuer: ISSUER }); // same iss, different key
    try {
      const forged = await sign(image, impostor.mintToken({ aud: 'sigstore', repository: REPO }));
      expect(forged.code).not.toBe(0);
      expect(forged.stderr).toContain('JWT signature does not verify');
    } finally {
      await impostor.close();
    }
    const expired = await sign(image, oidc.mintToken({ aud: 'sigstore', exp: Math.floor(Date.now() / 1000) - 1 }));
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toContain('JWT is expired');
    expect(fulcio.issued.length).toBe(before);
    expect(fulcio.rejected.slice(-3).map((x) => x.status)).toEqual([401, 401, 401]);
    expect((await verify(image)).code).toBe(10);
  });

  it('checks proof of possession like Fulcio (400 when the signature over sub does not verify)', async () => {
    const token = oidc.mintToken({ aud: 'sigstore' });
    const { generateKeyPairSync, sign: sig } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const content = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
    const post = (signed: Buffer) =>
      fetch(`${fulcio.url}/api/v1/signingCert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ publicKey: { content }, signedEmailAddress: signed.toString('base64'), certificateSigningRequest: null }),
      });
    const bad = await post(sig('sha256', Buffer.from('repo:someone/else:ref:refs/heads/main'), privateKey));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 3, message: 'The signature supplied in the request could not be verified' });
    const good = await post(sig('sha256', Buffer.from(`repo:${REPO}:ref:refs/tags/v1.0.0`), privateKey));
    expect(good.status).toBe(201);
    expect(good.headers.get('content-type')).toBe('application/pem-certificate-chain');
    expect((await good.text()).match(/BEGIN CERTIFICATE/g)).toHaveLength(3); // leaf, intermediate, root
  });
});
