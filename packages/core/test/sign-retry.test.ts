import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createScratch } from '../src/scratch.ts';
import { parseDigest } from '../src/digest.ts';
import { type Exec, ToolError } from '../src/exec.ts';
import { signRecursive, type SignDeps } from '../src/sign/run.ts';
import { readSignInputs } from '../src/sign/inputs.ts';
import { signatureTag } from '../src/sign/targets.ts';
import type { Cosign } from '../src/cosign/setup.ts';

const d = (c: string) => parseDigest(`sha256:${c.repeat(64)}`, 'digest');
const index = {
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
  ],
};

/** A registry + cosign double: what is signed lives in one set, as the .sig tags would. */
function world(opts: { failFirstSignAfterSigning: string[]; signed?: string[]; cutVerifies?: number }) {
  const signed = new Set<string>(opts.signed ?? []);
  const signCalls: string[] = [];
  let failed = false;
  let cuts = opts.cutVerifies ?? 0;
  const exec: Exec = async (_file, args) => {
    const ref = args.at(-1) as string;
    const digest = ref.slice(ref.indexOf('@') + 1);
    if (args[0] === 'verify') {
      // cosign 2.5's words when the registry cuts the signature layer read (captured through the fault proxy).
      if (cuts-- > 0) throw new ToolError('cosign', args, 12, '', 'Error: no matching signatures: unexpected EOF', 'Error: no matching signatures: unexpected EOF');
      if (signed.has(digest)) return { exitCode: 0, stdout: '[{"critical":{"image":{"docker-manifest-digest":"' + digest + '"}},"optional":{}}]', stderr: '' };
      throw new ToolError('cosign', args, 10, '', 'Error: no signatures found', 'Error: no signatures found');
    }
    signCalls.push(`${digest}${args.includes('--recursive') ? ' recursive' : ''}`);
    if (!failed && opts.failFirstSignAfterSigning.length > 0) {
      failed = true;
      for (const x of opts.failFirstSignAfterSigning) signed.add(x);
      throw new ToolError('cosign', args, 1, '', 'Error: PUT .sig: 503 Service Unavailable', 'Error: PUT .sig: 503 Service Unavailable');
    }
    if (args.includes('--recursive')) for (const x of [d('c'), d('a'), d('b')]) signed.add(x);
    else signed.add(digest);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  const sleeps: number[] = [];
  const deps: SignDeps = {
    exec,
    env: {},
    log: { info: () => undefined, warning: () => undefined, group: (_t, fn) => fn() },
    registry: {
      headManifest: async () => undefined,
      getManifest: async () => ({ digest: d('c'), mediaType: index.mediaType, size: 1, json: index }),
      platformOf: async () => ({ os: 'linux', architecture: 'amd64' }),
      listTags: async () => [...signed].map(signatureTag),
      getBlob: async () => Buffer.alloc(0),
    },
    sleep: async (ms) => void sleeps.push(ms),
    scratch: createScratch(os.tmpdir()),
  };
  return { signed, signCalls, deps, sleeps: () => sleeps };
}

const inputs = readSignInputs((k) => ({ images: 'localhost:5000/o/app', digest: d('c'), keyless: 'false', key: '/k/cosign.key' })[k] ?? '');
const cosign: Cosign = { path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] };
let derivations = 0;
const signer = { kind: 'key' as const, key: '/k/cosign.key', password: '', publicKey: async () => (derivations++, '/k/cosign.pub') };

describe('signRecursive retries', () => {
  it('signs everything with one recursive call when nothing is signed', async () => {
    const w = world({ failFirstSignAfterSigning: [] });
    const out = await signRecursive(inputs, cosign, signer, w.deps);
    expect(w.signCalls).toEqual([`${d('c')} recursive`]);
    expect(out.map((e) => `${e.kind}:${e.status}`)).toEqual(['index:signed', 'platform:signed', 'platform:signed']);
  });

  it('after a transient failure that had already signed part, re-checks and signs only the rest', async () => {
    const w = world({ failFirstSignAfterSigning: [d('c'), d('a')] });
    const out = await signRecursive(inputs, cosign, signer, w.deps);
    // The retry does not repeat the recursive call (which would add a second layer to c and a): only b is signed.
    expect(w.signCalls).toEqual([`${d('c')} recursive`, d('b')]);
    expect([...w.signed].sort()).toEqual([d('a'), d('b'), d('c')]);
    expect(out.every((e) => e.status === 'signed')).toBe(true);
  });

  it('derives the public key only when there is an existing signature to check', async () => {
    derivations = 0;
    await signRecursive(inputs, cosign, signer, world({ failFirstSignAfterSigning: [] }).deps);
    expect(derivations).toBe(0);
    const w = world({ failFirstSignAfterSigning: [], signed: [d('c'), d('a'), d('b')] });
    const out = await signRecursive(inputs, cosign, signer, w.deps);
    expect(derivations).toBeGreaterThan(0);
    expect(w.signCalls).toEqual([]);
    expect(out.every((e) => e.status === 'skipped')).toBe(true);
  });

  it('a re-run whose check is cut by the registry retries the check and never signs again', async () => {
    const w = world({ failFirstSignAfterSigning: [], signed: [d('c'), d('a'), d('b')], cutVerifies: 2 });
    const out = await signRecursive(inputs, cosign, signer, w.deps);
    expect(w.signCalls).toEqual([]);
    expect(w.sleeps().length).toBeGreaterThan(0);
    expect(out.map((e) => e.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('a check that keeps being cut fails the step instead of signing a second time', async () => {
    const w = world({ failFirstSignAfterSigning: [], signed: [d('c')], cutVerifies: 99 });
    await expect(signRecursive(inputs, cosign, signer, w.deps)).rejects.toThrow(/cannot check existing signatures of .*: no matching signatures: unexpected EOF/);
    expect(w.signCalls).toEqual([]);
  });
});
