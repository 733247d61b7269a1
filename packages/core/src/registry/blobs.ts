/** Blob operations: existence, download, upload (with cross-repository mounts), and the push-permission probe. */
import type { Digest } from '../digest.ts';
import type { ImageName } from '../image.ts';
import { sha256Digest } from '../oci/manifest.ts';
import { mergeScopes, repositoryScope } from './auth.ts';
import { MAX_SMALL_RESPONSE, PULL, PUSH, type RegistrySession, header, toImage } from './call.ts';
import { RegistryError } from './errors.ts';
import type { BodySource, HttpResponse } from './transport.ts';
import type { BlobPushOutcome, BlobSource } from './types.ts';

/**
 * "registry from -> to" pairs whose cross-repository mounts were refused in this run: later blobs go straight to an
 * upload rather than being refused again.
 */
export type RefusedMounts = Set<string>;

export async function blobExists(s: RegistrySession, image: ImageName | string, digest: Digest): Promise<boolean> {
  const img = toImage(image);
  const res = await s.call({
    image: img,
    operation: `HEAD blob ${digest}`,
    method: 'HEAD',
    target: `/v2/${img.repository}/blobs/${digest}`,
    scopes: [repositoryScope(img.repository, PULL)],
    ok: [200, 404],
    followRedirects: true,
  });
  return res.status === 200;
}

/**
 * A HEAD only needs pull, and a token service answers a request for pull,push with whatever subset it allows,
 * without an error; so this does what needs push and undoes it: start a blob upload (POST, which needs pull and
 * push) and cancel it (DELETE of the upload's Location), as go-containerregistry's remote.CheckPushPermission does.
 * Every registry has the upload API; nothing is pushed, and an upload left behind when the cancel fails is discarded
 * by the registry's upload purging.
 */
export async function checkPushAccess(s: RegistrySession, image: ImageName | string): Promise<void> {
  const img = toImage(image);
  const pushScope = repositoryScope(img.repository, PUSH);
  const res = await s.call({
    image: img,
    operation: 'check push access (start a blob upload)',
    method: 'POST',
    target: `/v2/${img.repository}/blobs/uploads/`,
    scopes: [pushScope],
    ok: [202],
    maxResponseBytes: MAX_SMALL_RESPONSE,
  });
  const location = header(res, 'location');
  if (!location) return;
  try {
    await s.send({
      image: img,
      operation: 'cancel the upload of the push access check',
      method: 'DELETE',
      target: new URL(location, res.url),
      scopes: [pushScope],
      // 404/405: the registry already dropped it, or cannot cancel uploads; 401/403: cancelling needs a scope these
      // credentials lack (distribution wants delete for any DELETE). Nothing was pushed either way.
      ok: [200, 202, 204, 401, 403, 404, 405],
      maxResponseBytes: MAX_SMALL_RESPONSE,
    });
  } catch (e) {
    s.log(`${img.registry}/${img.repository}: could not cancel the upload of the push access check (${(e as Error).message}); the registry discards it later`);
  }
}

export async function getBlob(s: RegistrySession, image: ImageName | string, digest: Digest, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const img = toImage(image);
  const op = `GET blob ${digest}`;
  const res = await s.call({
    image: img,
    operation: op,
    method: 'GET',
    target: `/v2/${img.repository}/blobs/${digest}`,
    scopes: [repositoryScope(img.repository, PULL)],
    ok: [200],
    maxResponseBytes: maxBytes,
    followRedirects: true,
  });
  if (digest.startsWith('sha256:') && sha256Digest(res.body) !== digest) {
    throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the content hashes to ${sha256Digest(res.body)}` });
  }
  return res.body;
}

export async function pushBlob(s: RegistrySession, refused: RefusedMounts, image: ImageName | string, blob: BlobSource, options: { mountFrom?: ImageName } = {}): Promise<BlobPushOutcome> {
  const img = toImage(image);
  if (await blobExists(s, img, blob.digest)) return 'exists';
  return uploadBlob(s, refused, img, blob, options);
}

/** The POST and PUT are one unit under retry: a failed PUT needs a fresh upload, and the content is read again. */
export async function uploadBlob(s: RegistrySession, refused: RefusedMounts, image: ImageName | string, blob: BlobSource, options: { mountFrom?: ImageName } = {}): Promise<'mounted' | 'uploaded'> {
  const img = toImage(image);
  const from = options.mountFrom && options.mountFrom.registry === img.registry && options.mountFrom.repository !== img.repository ? options.mountFrom : undefined;
  const body: BodySource = Buffer.isBuffer(blob.content) ? blob.content : { size: blob.size, open: blob.content };
  return s.retry(async () => {
    const pushScope = repositoryScope(img.repository, PUSH);
    const startUpload = () =>
      s.send({
        image: img,
        operation: `start upload of blob ${blob.digest}`,
        method: 'POST',
        target: `/v2/${img.repository}/blobs/uploads/`,
        scopes: [pushScope],
        ok: [202],
        maxResponseBytes: MAX_SMALL_RESPONSE,
      });
    const mountKey = from ? `${img.registry} ${from.repository} -> ${img.repository}` : '';
    let start: HttpResponse;
    if (from && !refused.has(mountKey)) {
      const q = new URLSearchParams({ mount: blob.digest, from: from.repository });
      const mountOp = `mount blob ${blob.digest} from ${from.repository}`;
      try {
        start = await s.send({
          image: img,
          operation: mountOp,
          method: 'POST',
          target: `/v2/${img.repository}/blobs/uploads/?${q.toString()}`,
          scopes: mergeScopes([pushScope, repositoryScope(from.repository, PULL)]),
          ok: [201, 202],
          maxResponseBytes: MAX_SMALL_RESPONSE,
        });
      } catch (e) {
        // A mount also needs pull on the source repository (distribution checks it before the upload handler),
        // and token services grant only what the credentials allow, so the mount is refused: 401
        // insufficient_scope (distribution, Docker Hub) or 403 DENIED. The blob can still be uploaded, as
        // containerd does after a refused mount. Only the registry's answer to the mount counts: the token
        // endpoint refusing the credentials is no refusal of the mount.
        if (!(e instanceof RegistryError) || e.operation !== mountOp || (e.status !== 401 && e.status !== 403)) throw e;
        refused.add(mountKey);
        s.log(`${img.registry}: mounting blobs from ${from.repository} into ${img.repository} was refused (${e.status}${e.code ? ` ${e.code}` : ''}); uploading them instead`);
        start = await startUpload();
      }
      if (start.status === 201) return 'mounted';
    } else {
      start = await startUpload();
    }
    const location = header(start, 'location');
    if (!location) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: `start upload of blob ${blob.digest}`, status: start.status, detail: 'the registry sent no Location header' });
    }
    const url = new URL(location, start.url);
    url.searchParams.set('digest', blob.digest);
    const op = `PUT blob ${blob.digest}`;
    const done = await s.send({
      image: img,
      operation: op,
      method: 'PUT',
      target: url,
      scopes: [pushScope],
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
      ok: [201, 204],
      maxResponseBytes: MAX_SMALL_RESPONSE,
    });
    const served = header(done, 'docker-content-digest');
    if (served && served !== blob.digest) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the registry stored it as ${served}` });
    }
    return 'uploaded';
  });
}
