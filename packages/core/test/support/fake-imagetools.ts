// `docker buildx imagetools create --dry-run` for unit tests: merges the sources' manifests (a leg's index
// contributes its platform and attestation manifests, a lone manifest one descriptor) into one OCI index with the
// --annotation=index:k=v annotations, printed like buildx prints it (2-space JSON and a newline).
import { type Exec, ToolError } from '../../src/exec.ts';
import { parseImageReference } from '../../src/image.ts';
import type { MemoryRegistry } from './memory-registry.ts';
import { OCI_INDEX } from './memory-registry.ts';

export function fakeImagetools(registry: MemoryRegistry, calls: string[][] = []): Exec {
  return async (file, args) => {
    calls.push([...args]);
    if (file !== 'docker' || args.slice(0, 3).join(' ') !== 'buildx imagetools create') throw new Error(`fake imagetools: unexpected ${file} ${args.join(' ')}`);
    if (!args.includes('--dry-run')) throw new Error('fake imagetools: only --dry-run is expected (merge publishes the bytes itself)');
    const annotations: Record<string, string> = {};
    const manifests: unknown[] = [];
    for (const a of args.slice(3)) {
      if (a.startsWith('--annotation=index:')) {
        const kv = a.slice('--annotation=index:'.length);
        annotations[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
      } else if (!a.startsWith('--')) {
        const ref = parseImageReference(a);
        let m;
        try {
          m = await registry.getManifest(ref.image, ref.digest as string);
        } catch {
          throw new ToolError('docker', args, 1, '', `ERROR: ${a}: not found\n`, `ERROR: ${a}: not found`);
        }
        const json = m.json as { manifests?: unknown[] };
        if (json.manifests) manifests.push(...json.manifests);
        else manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: await registry.platformOf(ref.image, m.digest) });
      }
    }
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...(Object.keys(annotations).length ? { annotations } : {}) };
    return { exitCode: 0, stdout: `${JSON.stringify(index, null, 2)}\n`, stderr: '' };
  };
}
