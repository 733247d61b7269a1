import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testbed, tool, uniqueName } from '@moam/testkit';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';
import { startRekor, type RekorStandIn } from '../../testkit/src/rekor.ts';
import { verifyEntryTimestamp, type SetPayload } from '../../testkit/src/rekor-log.ts';

// The real cosign 2.5.0 signs with tlog upload ON against the Rekor stand-in (plus the OIDC and Fulcio
// stand-ins for keyless) and verifies WITHOUT --insecure-ignore-tlog: the bundle's SET, log ID, body and
// integrated time offline, or the log entry online (inclusion proof + SET) when a signature has no bundle.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
interface SignatureLayer {
  digest: string;
  annotations: Record<string, string>;
}

const tb = testbed();
const ISSUER = 'https://token.actions.githubusercontent.com';
const REPO = 'octo-org/octo-repo';
const IDENTITY = '^https://github\\.com/octo-org/octo-repo/\\.github/workflows/release\\.yml@refs/tags/v[0-9.]+$';

let oidc: OidcService;
let fulcio: FulcioStandIn;
let rekor: RekorStandIn;
let otherRekor: RekorStandIn; // another log: its key must not vouch for `rekor`'s entries
let home: string;

function cosign(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      tb.cosign,
      args,
      {
        env: { ...process.env, HOME: home, TUF_ROOT: path.join(home, 'tuf'), COSIGN_PASSWORD: '', ...fulcio.env, ...rekor.env, ...env },
        cwd: home,
        maxBuffer: 16 * 1024 * 1024,
        timeout: 120_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** A fresh copy of the test bed busybox index (2 platforms) in its own repository; returns repo@digest of each manifest. */
async function freshImage(prefix: string): Promise<{ index: string; platforms: string[] }> {
  const repo = `moam-test/${uniqueName(prefix)}`;
  await tool('docker', ['buildx', 'imagetools', 'create', '-t', `${tb.registry}/${repo}:t`, tb.busyboxImage]);
  const res = await fetch(`http://${tb.registry}/v2/${repo}/manifests/t`, { headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' } });
  const digest = res.headers.get('docker-content-digest');
  if (!res.ok || !digest) throw new Error(`cannot resolve ${repo}:t (${res.status})`);
  const { manifests } = (await res.json()) as { manifests: Array<{ digest: string }> };
  return { index: `${tb.registry}/${repo}@${digest}`, platforms: manifests.map((m) => `${tb.registry}/${repo}@${m.digest}`) };
}

/** The layers of the .sig manifest cosign attached to repo@digest (one per signature). */
async function signatureLayers(ref: string): Promise<SignatureLayer[]> {
  const [name = '', digest = ''] = ref.split('@');
  const res = await fetch(`http://${tb.registry}/v2/${name.slice(tb.registry.length + 1)}/manifests/${digest.replace(':', '-')}.sig`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  if (!res.ok) throw new Error(`no signature manifest for ${ref} (${res.status})`);
  return ((await res.json()) as { layers: SignatureLayer[] }).layers;
}

const pemDer = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');
const keylessSign = (image: string, log: RekorStandIn, extra: string[] = []): Promise<Run> =>
  cosign(['sign', '--yes', `--fulcio-url=${fulcio.url}`, `--rekor-url=${log.url}`, `--identity-token=${oidc.mintToken({ aud: 'sigstore' })}`, ...extra, image]);
const keylessVerify = (image: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Run> =>
  cosign(['verify', `--rekor-url=${rekor.url}`, `--certificate-identity-regexp=${IDENTITY}`, `--certificate-oidc-issuer=${ISSUER}`, ...extra, image], env);

let signed: { index: string; platforms: string[] };

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'moam-cosign-home-'));
  oidc = await startOidcService({ claims: { repository: REPO } });
  fulcio = await startFulcio({ issuers: [oidc] });
  rekor = await startRekor();
  otherRekor = await startRekor();
  signed = await freshImage('rekor');
});

afterAll(async () => {
  await Promise.all([fulcio?.close(), rekor?.close(), otherRekor?.close(), oidc?.close()]);
  if (home) await rm(home, { recursive: true, force: true });
});

describe('Rekor stand-in with the real cosign 2.5.0', () => {
  it('keyless sign --recursive uploads one hashedrekord per signed digest and stores its SET in the bundle annotation', async () => {
    const r = await keylessSign(signed.index, rekor, ['--recursive']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/tlog entry created with index: \d+/g)).toEqual(['tlog entry created with index: 0', 'tlog entry created with index: 1', 'tlog entry created with index: 2']);
    expect(rekor.entries).toHaveLength(3);
    expect(rekor.rejected).toEqual([]);
    const logKey = createPublicKey(rekor.publicKeyPem);
    for (const ref of [signed.index, ...signed.platforms]) {
      const [layer] = await signatureLayers(ref);
      const entry = rekor.entries.find((e) => `sha256:${e.hash.value}` === layer?.digest);
      expect(entry, ref).toBeDefined();
      const annotations = layer?.annotations ?? {};
      expect(entry?.signature).toBe(annotations['dev.cosignproject.cosign/signature']);
      expect(pemDer(entry?.publicKeyPem ?? '')).toBe(pemDer(annotations['dev.sigstore.cosign/certificate'] ?? ''));
      const bundle = JSON.parse(annotations['dev.sigstore.cosign/bundle'] ?? '{}') as { SignedEntryTimestamp: string; Payload: SetPayload };
      expect(bundle.Payload).toEqual({ body: entry?.body, integratedTime: entry?.integratedTime, logIndex: entry?.logIndex, logID: rekor.logId });
      expect(verifyEntryTimestamp(bundle.Payload, Buffer.from(bundle.SignedEntryTimestamp, 'base64'), logKey)).toBe(true);
      const cert = new X509Certificate(annotations['dev.sigstore.cosign/certificate'] ?? '');
      expect(bundle.Payload.integratedTime * 1000).toBeGreaterThanOrEqual(Date.parse(cert.validFrom));
      expect(bundle.Payload.integratedTime * 1000).toBeLessThanOrEqual(Date.parse(cert.validTo));
    }
  });

  it('cosign verify (no --insecure-ignore-tlog) accepts each digest with the stand-in key, checking the bundle offline', async () => {
    for (const ref of [signed.index, ...signed.platforms]) {
      // --offline: the bundle must suffice, Rekor is not asked
      const r = await keylessVerify(ref, ['--offline=true', `--certificate-github-workflow-repository=${REPO}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Existence of the claims in the transparency log was verified offline');
      expect(r.stderr).toContain('The code-signing certificate was verified using trusted certificate authority certificates');
      expect((JSON.parse(r.stdout) as Array<{ optional: { Bundle: { Payload: { logID: string } } } }>)[0]?.optional.Bundle.Payload.logID).toBe(rekor.logId);
    }
  });

  it('cosign verify fails when SIGSTORE_REKOR_PUBLIC_KEY is another log’s key', async () => {
    const r = await keylessVerify(signed.index, [], otherRekor.env);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain('rekor log public key not found for payload');
  });

  it('a signature made with tlog upload off fails verification; once its entry is logged, cosign finds it online (inclusion proof + SET)', async () => {
    const image = await freshImage('rekor-notlog');
    const s = await keylessSign(image.index, rekor, ['--tlog-upload=false']);
    expect(s.code, s.stderr).toBe(0);
    const before = rekor.entries.length;
    expect(before).toBe(3);
    const missing = await keylessVerify(image.index);
    expect(missing.code).toBe(12);
    expect(missing.stderr).toContain('signature not found in transparency log');

    // Log what cosign would have uploaded (pkg/cosign/tlog.go rekorEntry) from the signature layer itself.
    const [layer] = await signatureLayers(image.index);
    const annotations = layer?.annotations ?? {};
    const res = await fetch(`${rekor.url}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: layer?.digest.replace('sha256:', '') } },
          signature: { content: annotations['dev.cosignproject.cosign/signature'], publicKey: { content: Buffer.from(annotations['dev.sigstore.cosign/certificate'] ?? '').toString('base64') } },
        },
      }),
    });
    expect(res.status).toBe(201);
    expect(rekor.entries.at(-1)?.logIndex).toBe(3); // a proof with hashes: leaf 3 of 4
    const online = await keylessVerify(image.index);
    expect(online.code, online.stderr).toBe(0);
    const offline = await keylessVerify(image.index, ['--offline=true']); // so the pass above came from the log
    expect(offline.code).toBe(12);
    expect(offline.stderr).toContain('offline verification failed');
    const wrongKey = await keylessVerify(image.index, [], otherRekor.env);
    expect(wrongKey.code).toBe(12);
    expect(wrongKey.stderr).toContain('rekor log public key not found for payload');
  });

  it('cosign verify refuses a log that integrated the entry after the certificate expired', async () => {
    const lateRekor = await startRekor({ clock: () => Date.now() + 3600_000 });
    try {
      const image = await freshImage('rekor-late');
      const s = await keylessSign(image.index, lateRekor);
      expect(s.code, s.stderr).toBe(0); // cosign sign does not check what the log answers
      const v = await keylessVerify(image.index, [], lateRekor.env);
      expect(v.code).toBe(12);
      expect(v.stderr).toContain('certificate expired before signatures were entered in log');
    } finally {
      await lateRekor.close();
    }
  });

  it('key-based: sign --key with tlog upload on logs the public key; verify --key checks the log entry', async () => {
    const dir = await mkdtemp(path.join(home, 'keys-'));
    const gen = await cosign(['generate-key-pair', `--output-key-prefix=${path.join(dir, 'cosign')}`]);
    expect(gen.code, gen.stderr).toBe(0);
    const image = await freshImage('rekor-key');
    const s = await cosign(['sign', '--yes', `--key=${path.join(dir, 'cosign.key')}`, `--rekor-url=${rekor.url}`, image.index]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/tlog entry created with index: \d+/);
    const [layer] = await signatureLayers(image.index);
    const entry = rekor.entries.at(-1);
    expect(`sha256:${entry?.hash.value}`).toBe(layer?.digest);
    expect(entry?.publicKeyPem).toBe(await readFile(path.join(dir, 'cosign.pub'), 'utf8'));
    const verify = (env: Record<string, string> = {}): Promise<Run> => cosign(['verify', `--key=${path.join(dir, 'cosign.pub')}`, `--rekor-url=${rekor.url}`, image.index], env);
    const ok = await verify();
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('Existence of the claims in the transparency log was verified offline');
    expect(ok.stderr).toContain('The signatures were verified against the specified public key');
    const wrongKey = await verify(otherRekor.env);
    expect(wrongKey.code).toBe(12);
    expect(wrongKey.stderr).toContain('rekor log public key not found for payload');
  });
});
