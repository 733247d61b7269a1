import { describe, expect, it } from 'vitest';
import { type Exec, ToolError } from '../src/exec.ts';
import { signRecursive, type SignDeps } from '../src/sign/run.ts';
import { readSignInputs } from '../src/sign/inputs.ts';
import { signatureTag } from '../src/sign/targets.ts';
import type { Cosign } from '../src/sign/cosign-setup.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const index = {
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
  ],
};

/** A registry + cosign double: what is signed lives in one set, as the .sig tags would. */
function world(opts: { failFirstSignAfterSigning: string[] }) {
  const signed = new Set<string>();
  const signCalls: string[] = [];
  let failed = false;
  const exec: Exec = async (_file, args) => {
    const ref = args.at(-1) as string;
    const digest = ref.slice(ref.indexOf('@') + 1);
    if (args[0] === 'verify') {
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
  const deps: SignDeps = {
    exec,
    env: {},
    log: { info: () => undefined, warning: () => undefined, group: (_t, fn) => fn() },
    registry: {
      headManifest: async () => undefined,
      getManifest: async () => ({ digest: d('c'), mediaType: index.mediaType, size: 1, json: index }),
      platformOf: async () => ({ os: 'linux', architecture: 'amd64' }),
      listTags: async () => [...signed].map(signatureTag),
    },
    sleep: async () => undefined,
    tmpDir: '/tmp',
  };
  return { signed, signCalls, deps };
}

const inputs = readSignInputs((k) => ({ images: 'localhost:5000/o/app', digest: d('c'), keyless: 'false', key: '/k/cosign.key' })[k] ?? '');
const cosign: Cosign = { path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] };
const signer = { kind: 'key' as const, key: '/k/cosign.key', publicKey: '/k/cosign.pub', password: '' };

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
});
