import { describe, expect, it } from 'vitest';
import { type Exec, ToolError } from '../src/exec.ts';
import { parseDigest } from '../src/digest.ts';
import { parseImageName } from '../src/image.ts';
import { explainRefusedCreate, refusedPut } from '../src/merge/refusal.ts';
import { RegistryError } from '../src/registry/errors.ts';

// buildx 0.13.1's last line when the registry refuses the index PUT (captured through the fault proxy in faults.test.ts).
const LINE = 'ERROR: unexpected status from PUT request to http://localhost:41231/v2/moam-it/perm/manifests/1.0.0: 400 Bad Request';
const image = parseImageName('localhost:41231/moam-it/perm');
const D = parseDigest(`sha256:${'a'.repeat(64)}`);
const create = { image, tags: ['1.0.0'], annotations: {}, sources: [D] };
const INDEX = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';

function refusal() {
  return new ToolError('docker', ['buildx', 'imagetools', 'create'], 1, '', LINE, LINE);
}

describe('a refused imagetools create', () => {
  it('reads the URL and status from buildx\'s line', () => {
    expect(refusedPut(LINE)).toEqual({ url: 'http://localhost:41231/v2/moam-it/perm/manifests/1.0.0', status: 400 });
    expect(refusedPut('ERROR: failed to do request: connection refused')).toBeUndefined();
  });

  it('asks the registry again, by digest, with the dry-run bytes, and quotes its error code', async () => {
    const calls: string[][] = [];
    const exec: Exec = async (_f, args) => (calls.push([...args]), { exitCode: 0, stdout: `${INDEX}\n`, stderr: '' });
    const puts: Array<[string, string, string]> = [];
    const registry = {
      putManifest: async (_i: unknown, ref: string, bytes: Buffer, mediaType: string) => {
        puts.push([ref, bytes.toString('utf8'), mediaType]);
        throw new RegistryError({ registry: image.registry, repository: image.repository, operation: `PUT manifest ${ref}`, status: 400, code: 'MANIFEST_INVALID', detail: 'manifest invalid' });
      },
    };
    const err = await explainRefusedCreate(refusal(), image, create, { exec, env: {}, registry });
    expect(calls[0]).toContain('--dry-run');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.[0]).toMatch(/^sha256:[0-9a-f]{64}$/); // never a tag
    expect(puts[0]?.[1]).toBe(INDEX);
    expect(err.message).toMatch(/^imagetools create localhost:41231\/moam-it\/perm failed: unexpected status from PUT request to http:\/\/localhost:41231\/v2\/moam-it\/perm\/manifests\/1\.0\.0: 400 Bad Request; the registry's answer to the same index: .*MANIFEST_INVALID/);
  });

  it('says when the index itself is accepted (the tag was refused)', async () => {
    const exec: Exec = async () => ({ exitCode: 0, stdout: INDEX, stderr: '' });
    const err = await explainRefusedCreate(refusal(), image, create, { exec, env: {}, registry: { putManifest: async () => D } });
    expect(err.message).toMatch(/was accepted, so the registry refused the tag, not the index/);
  });

  it('leaves other failures as they are', async () => {
    const other = new ToolError('docker', [], 1, '', 'ERROR: no such manifest', 'ERROR: no such manifest');
    const exec: Exec = async () => {
      throw new Error('must not run');
    };
    expect(await explainRefusedCreate(other, image, create, { exec, env: {}, registry: { putManifest: async () => D } })).toBe(other);
  });
});
