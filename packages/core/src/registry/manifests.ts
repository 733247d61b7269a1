/** Manifest operations, and reading an image's platform (its manifest, then its config blob). */
import { type Digest, isDigest } from '../digest.ts';
import type { ImageName } from '../image.ts';
import { MANIFEST_MEDIA_TYPES, type OciManifestJson, isIndex, manifestMediaType, parseManifestJson, sha256Digest } from '../oci/manifest.ts';
import { type Platform, platformFromOci } from '../platform.ts';
import { repositoryScope } from './auth.ts';
import { getBlob } from './blobs.ts';
import { MAX_SMALL_RESPONSE, PULL, PUSH, type RegistrySession, header, toImage } from './call.ts';
import { RegistryError } from './errors.ts';
import type { HttpResponse } from './transport.ts';
import type { FetchedManifest, ManifestDescriptor } from './types.ts';

const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export async function getManifest(s: RegistrySession, image: ImageName | string, reference: string): Promise<FetchedManifest> {
  const img = toImage(image);
  const op = `GET manifest ${reference}`;
  const res = await s.call({
    image: img,
    operation: op,
    method: 'GET',
    target: `/v2/${img.repository}/manifests/${reference}`,
    scopes: [repositoryScope(img.repository, PULL)],
    headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    ok: [200],
    maxResponseBytes: MAX_MANIFEST_BYTES,
    followRedirects: true,
  });
  const bytes = res.body;
  const digest = sha256Digest(bytes);
  const served = header(res, 'docker-content-digest');
  const fail = (detail: string) => new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail });
  if (isDigest(reference) && reference.startsWith('sha256:') && reference !== digest) throw fail(`the registry served content with digest ${digest}, not ${reference}`);
  if (served && served.startsWith('sha256:') && served !== digest) throw fail(`Docker-Content-Digest says ${served} but the content hashes to ${digest}`);
  let json: OciManifestJson;
  try {
    json = parseManifestJson(bytes);
  } catch (e) {
    throw fail(`the manifest is not usable: ${(e as Error).message}`);
  }
  const contentType = (header(res, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
  const mediaType = json.mediaType || (MANIFEST_MEDIA_TYPES.includes(contentType) ? contentType : manifestMediaType(json));
  return { digest, mediaType, size: bytes.length, bytes, json };
}

export async function headManifest(s: RegistrySession, image: ImageName | string, reference: string): Promise<ManifestDescriptor | undefined> {
  const img = toImage(image);
  const res = await s.call({
    image: img,
    operation: `HEAD manifest ${reference}`,
    method: 'HEAD',
    target: `/v2/${img.repository}/manifests/${reference}`,
    scopes: [repositoryScope(img.repository, PULL)],
    headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    ok: [200, 404],
    followRedirects: true,
  });
  if (res.status === 404) return undefined;
  const served = header(res, 'docker-content-digest');
  const mediaType = (header(res, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
  const size = Number(header(res, 'content-length'));
  if (served && isDigest(served) && mediaType && Number.isSafeInteger(size)) return { digest: served, mediaType, size };
  // Some registries leave headers out of HEAD answers: fall back to GET.
  const m = await getManifest(s, img, reference);
  return { digest: m.digest, mediaType: m.mediaType, size: m.size };
}

export async function manifestExists(s: RegistrySession, image: ImageName | string, reference: string): Promise<boolean> {
  return (await headManifest(s, image, reference)) !== undefined;
}

export async function putManifest(s: RegistrySession, image: ImageName | string, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
  const img = toImage(image);
  const digest = sha256Digest(bytes);
  const op = `PUT manifest ${reference}`;
  if (isDigest(reference) && reference !== digest) {
    throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the manifest's bytes hash to ${digest}, not ${reference}` });
  }
  let res: HttpResponse;
  try {
    res = await s.call({
      image: img,
      operation: op,
      method: 'PUT',
      target: `/v2/${img.repository}/manifests/${reference}`,
      scopes: [repositoryScope(img.repository, PUSH)],
      headers: { 'Content-Type': mediaType },
      body: bytes,
      ok: [200, 201, 202],
      maxResponseBytes: MAX_SMALL_RESPONSE,
    });
  } catch (e) {
    // distribution answers a Content-Type that disagrees with the mediaType field with a bare MANIFEST_INVALID.
    if (e instanceof RegistryError && e.code === 'MANIFEST_INVALID') {
      throw new RegistryError({ ...e.init, detail: `${e.detail ?? 'manifest invalid'}; sent as Content-Type ${mediaType}`, cause: e });
    }
    throw e;
  }
  const served = header(res, 'docker-content-digest');
  if (served && served.startsWith('sha256:') && served !== digest) {
    throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the registry stored it as ${served}, but the bytes hash to ${digest}` });
  }
  return digest;
}

export async function platformOf(s: RegistrySession, image: ImageName | string, digest: Digest): Promise<Platform> {
  const img = toImage(image);
  const m = await getManifest(s, img, digest);
  const op = `read platform of ${digest}`;
  if (isIndex(m.json, m.mediaType) || !m.json.config) {
    throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `${m.mediaType} is not an image manifest; pick one of its manifests' digests` });
  }
  const config = await getBlob(s, img, m.json.config.digest, 16 * 1024 * 1024);
  let json: { os?: unknown; architecture?: unknown; variant?: unknown };
  try {
    json = JSON.parse(config.toString('utf8')) as typeof json;
  } catch {
    throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `config blob ${m.json.config.digest} is not JSON` });
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const p = platformFromOci({ os: str(json.os), architecture: str(json.architecture), variant: str(json.variant) });
  if (!p) throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `config blob ${m.json.config.digest} has no os/architecture` });
  return p;
}
