import { createHash } from 'node:crypto';
import { type Exec, ToolError } from '../exec.ts';
import type { ImageName } from '../image.ts';
import { type ImagetoolsCreateOptions, imagetoolsCreateArgs } from './imagetools.ts';

/** buildx's line for a registry that refused a manifest PUT: the HTTP status only, never the registry's error body. */
const REFUSED_PUT = /unexpected status from PUT request to (\S+?):? (\d{3})\b/;

export function refusedPut(line: string): { url: string; status: number } | undefined {
  const m = REFUSED_PUT.exec(line);
  return m ? { url: m[1] as string, status: Number(m[2]) } : undefined;
}

export interface ManifestPut {
  putManifest(image: ImageName, reference: string, bytes: Buffer, mediaType: string): Promise<unknown>;
}

/**
 * imagetools create failed because the registry refused its PUT. buildx drops the registry's error body
 * (MANIFEST_INVALID, DENIED, …), so the same index (imagetools create --dry-run prints the bytes it pushes) is
 * PUT once more, by digest and never by tag, through our client, which reads the body. If the registry refuses the
 * content, that PUT changes nothing; if it takes it, the index is stored untagged, exactly as a successful run
 * would have stored it, and the refusal concerned the tag.
 */
export async function explainRefusedCreate(error: ToolError, image: ImageName, create: ImagetoolsCreateOptions, deps: { exec: Exec; env: NodeJS.ProcessEnv; registry: ManifestPut }): Promise<Error> {
  const put = refusedPut(error.lastLine);
  if (!put) return error;
  let answer: string;
  try {
    const out = await deps.exec('docker', imagetoolsCreateArgs({ ...create, dryRun: true }), { env: deps.env });
    const bytes = Buffer.from(out.stdout.replace(/\n$/, ''), 'utf8');
    const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.index.v1+json';
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await deps.registry.putManifest(image, digest, bytes, mediaType);
    answer = `the same index PUT by digest (${digest}) was accepted, so the registry refused the tag, not the index (an immutable or protected tag?)`;
  } catch (e) {
    answer = e instanceof ToolError ? `the dry run to ask again failed too (${e.lastLine})` : `the registry's answer to the same index: ${e instanceof Error ? e.message : String(e)}`;
  }
  return new Error(`imagetools create ${image.name} failed: ${error.lastLine.replace(/^ERROR:\s*/, '')}; ${answer}`, { cause: error });
}
