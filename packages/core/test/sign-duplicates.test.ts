import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { byIdentity, byPublicKey, countOwnSignatures } from '../src/sign/duplicates.ts';
import { signRecursive, type SignDeps } from '../src/sign/run.ts';
import { renderSignSummary } from '../src/sign/summary.ts';
import { readSignInputs } from '../src/sign/inputs.ts';
import { signatureTag } from '../src/sign/targets.ts';
import { createScratch } from '../src/scratch.ts';
import { parseImageName } from '../src/image.ts';
import type { Digest } from '../src/digest.ts';
import type { Cosign } from '../src/cosign/setup.ts';
import { MemoryRegistry, OCI_MANIFEST } from './support/memory-registry.ts';
import { fakeCosign } from './support/fake-cosign.ts';

const image = parseImageName('localhost:5000/o/app');
const IDENTITY = 'https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@refs/tags/v1';
const leaf = readFileSync(path.join(import.meta.dirname, 'cosign/fixtures/keyless-leaf.pem'), 'utf8');
const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const keylessLayer = (cert = leaf) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: d('1'), size: 1, annotations: { 'dev.cosignproject.cosign/signature': 'MEUC', 'dev.sigstore.cosign/certificate': cert } });

/** A .sig manifest holding `layers`, stored under the signature tag of `digest`. */
function sigManifest(registry: MemoryRegistry, digest: string, layers: unknown[]): void {
  registry.tag(image, signatureTag(digest), registry.store(image, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('0'), size: 2 }, layers }));
}

describe('counting this signer\'s signatures after signing', () => {
  it('keyless: by the certificate\'s URI SAN, exactly', async () => {
    expect(await byIdentity(IDENTITY)(keylessLayer())).toBe(true);
    expect(await byIdentity(`${IDENTITY}.evil`)(keylessLayer())).toBe(false);
    expect(await byIdentity(IDENTITY)(keylessLayer('not a certificate'))).toBe(false);
    expect(await byIdentity(IDENTITY)({ digest: d('1') })).toBe(false);
  });

  it('key-based: by verifying the layer\'s payload with the public key', async () => {
    const mine = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-pub-'));
    const pub = path.join(dir, 'cosign.pub');
    await writeFile(pub, mine.publicKey.export({ type: 'spki', format: 'pem' }));
    const payload = Buffer.from('{"critical":{}}');
    const layer = (key: typeof mine.privateKey) => ({ digest: d('2'), annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, key).toString('base64') } });
    const test = byPublicKey(async () => pub, async () => payload);
    expect(await test(layer(mine.privateKey))).toBe(true);
    expect(await test(layer(other.privateKey))).toBe(false);
  });

  it('counts only this signer\'s layers, and does not look into a single layer', async () => {
    const registry = new MemoryRegistry();
    sigManifest(registry, d('a'), [keylessLayer(), keylessLayer(), { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: d('3'), size: 1, annotations: {} }]);
    expect(await countOwnSignatures(registry, image, d('a'), byIdentity(IDENTITY))).toBe(2);
    sigManifest(registry, d('b'), [keylessLayer()]);
    expect(await countOwnSignatures(registry, image, d('b'), async () => { throw new Error('not asked'); })).toBe(1);
  });

  it('signRecursive reports a digest a concurrent run signed too, in the entries, the log and the summary', async () => {
    const registry = new MemoryRegistry();
    const amd64 = registry.addManifest(image, { os: 'linux', architecture: 'amd64' });
    const index = registry.addIndex(image, [{ digest: amd64, platform: { os: 'linux', architecture: 'amd64' } }]);
    const warnings: string[] = [];
    const signatures = new Map();
    const cosign = fakeCosign(signatures);
    const deps: SignDeps = {
      // The concurrent run's signature lands between our check and our push: both layers are in the .sig manifest after.
      exec: async (file, args, opts) => {
        const out = await cosign(file, args, opts);
        if (args[0] === 'sign') {
          sigManifest(registry, index, [keylessLayer(), keylessLayer()]);
          sigManifest(registry, amd64, [keylessLayer()]);
        }
        return out;
      },
      env: {},
      log: { info: () => undefined, warning: (l) => void warnings.push(l), group: (_t, fn) => fn() },
      registry: Object.assign(registry, { getBlob: async () => Buffer.alloc(0) }),
      sleep: async () => undefined,
      scratch: createScratch(os.tmpdir()),
    };
    const inputs = readSignInputs((k) => ({ images: image.name, digest: index, 'tlog-upload': 'false' })[k] ?? '');
    const entries = await signRecursive(inputs, { path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] }, { kind: 'keyless', identity: IDENTITY, issuer: 'https://token.actions.githubusercontent.com', token: 'e.y.j' }, deps);
    await deps.scratch.dispose();
    expect(entries.map((e) => `${e.kind}:${e.status}:${e.signatures}`)).toEqual(['index:signed:2', 'platform:signed:1']);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`@${index} now carries 2 signatures from this signer: another run signed it`))]);
    expect(renderSignSummary({ entries, cosignVersion: '2.5.0', signer: { kind: 'keyless', identity: IDENTITY, issuer: 'https://token.actions.githubusercontent.com' } })).toMatch(/\*\*Warning:\*\* `sha256:[a-f0-9]{12}…` \(2 signatures\) now carry more than one signature/);
  });
});
