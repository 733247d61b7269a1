// The Azure block-blob half of the artifact service stand-in: what @azure/storage-blob does with the signed URLs
// (stage blocks and commit a block list, or put a whole blob; get and head it back), with Azure's XML errors.
// Test support only: never bundled.
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { AZURE_VERSION, type ArtifactStore, type StoredArtifact, signedUrl } from './artifact-store.ts';
import { readBody } from './http-util.ts';

function azureError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-version': AZURE_VERSION, 'x-ms-request-id': randomUUID() });
  res.end(body);
}

/** One authorised blob request: its artifact, and how to answer it (recorded as a blob operation). */
interface BlobRequest {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly a: StoredArtifact;
  ok(status: number, extra?: http.OutgoingHttpHeaders, body?: Buffer): void;
}

/** The headers of a committed blob (an etag from its content, as Azure's changes with every commit). */
const committed = (a: StoredArtifact): http.OutgoingHttpHeaders => ({
  etag: `"0x${createHash('sha256').update(a.blob ?? Buffer.alloc(0)).digest('hex').slice(0, 16).toUpperCase()}"`,
  'last-modified': a.createdAt.toUTCString(),
  'x-ms-request-server-encrypted': 'true',
});

function download({ res, a, ok }: BlobRequest): void {
  if (!a.blob) return azureError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
  ok(
    200,
    {
      ...committed(a),
      'content-type': a.contentType ?? 'application/octet-stream',
      'content-disposition': `attachment; filename="${a.name}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
      'x-ms-blob-type': 'BlockBlob',
      'accept-ranges': 'bytes',
    },
    a.blob,
  );
}

async function upload(store: ArtifactStore, { req, res, a, ok }: BlobRequest, comp: string | null, blockId: string | null): Promise<void> {
  const commit = (data: Buffer): void => {
    a.blob = data;
    a.blobSha256 = createHash('sha256').update(data).digest('hex');
    a.contentType = String(req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? 'application/octet-stream');
    store.staged.delete(a.uploadSig);
  };
  const data = await readBody(req);
  const md5 = createHash('md5').update(data).digest('base64');
  if (comp === 'block') {
    if (!blockId) return azureError(res, 400, 'InvalidQueryParameterValue', 'blockid is required');
    const blocks = store.staged.get(a.uploadSig) ?? new Map<string, Buffer>();
    blocks.set(blockId, data);
    store.staged.set(a.uploadSig, blocks);
    return ok(201, { 'content-md5': md5, 'x-ms-request-server-encrypted': 'true' });
  }
  if (comp === 'blocklist') {
    const blocks = store.staged.get(a.uploadSig) ?? new Map<string, Buffer>();
    const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1] ?? '');
    const missing = ids.find((b) => !blocks.has(b));
    if (missing !== undefined) return azureError(res, 400, 'InvalidBlockList', `The specified block list is invalid (unknown block ${missing}).`);
    commit(Buffer.concat(ids.map((b) => blocks.get(b) as Buffer)));
    return ok(201, committed(a));
  }
  if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
    commit(data);
    return ok(201, { ...committed(a), 'content-md5': md5 });
  }
  return azureError(res, 400, 'UnsupportedQueryParameter', `comp=${comp} is not supported by this stand-in`);
}

/** A request to a signed blob URL: its signature, expiry and permission checked before anything else. */
export async function serveBlob(store: ArtifactStore, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const id = Number(url.pathname.split('/').at(-1));
  const a = store.artifacts.find((x) => x.id === id && url.pathname === new URL(signedUrl(store, x, 'r')).pathname);
  const sig = url.searchParams.get('sig');
  const se = Date.parse(url.searchParams.get('se') ?? '');
  const write = req.method === 'PUT';
  if (!a || sig !== (write ? a.uploadSig : a.downloadSig) || !(se > Date.now()) || (write && a.finalized))
    return azureError(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
  const comp = url.searchParams.get('comp');
  const op = write ? (comp ?? 'put') : (req.method ?? '').toLowerCase();
  const ok = (status: number, extra: http.OutgoingHttpHeaders = {}, body?: Buffer): void => {
    store.blobOps.push({ id: a.id, op, status });
    res.writeHead(status, {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': AZURE_VERSION,
      date: new Date().toUTCString(),
      'content-length': body?.length ?? 0,
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const blob: BlobRequest = { req, res, a, ok };
  if (req.method === 'GET' || req.method === 'HEAD') return download(blob);
  if (!write) return azureError(res, 405, 'UnsupportedHttpVerb', 'The resource doesn\'t support specified Http Verb.');
  return upload(store, blob, comp, url.searchParams.get('blockid'));
}
