// Stand-in for GitHub's Actions results service (Twirp ArtifactService, what @actions/artifact v2+ calls) and
// for the Azure block-blob endpoint its signed URLs point at. Test support only: never bundled.
//
// One service = one workflow run. Each (job, attempt) gets its own ACTIONS_RUNTIME_TOKEN whose `scp` claim
// carries `Actions.Results:<run backend id>:<job backend id>`, as the runner's does. Artifacts live in memory
// for the life of the service, so one process can upload and another (another "job") download.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { bearer, decodeJwt, hs256Jwt, listen, readBody, sendJson } from './http-util.ts';

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
const BLOB_PREFIX = '/devstoreaccount1/actions-results/'; // IP-style URL: the SDK reads /<account>/<container>/<blob>
const AZURE_VERSION = '2025-11-05';

export interface StoredArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  job: string;
  attempt: number;
  createdAt: Date;
  /** From CreateArtifact's expires_at, if any. */
  expiresAt?: string;
  mimeType?: string;
  version?: number;
  finalized: boolean;
  /** From FinalizeArtifact (what the client computed), e.g. "sha256:ab…". */
  digest?: string;
  size?: number;
  /** The committed blob, its content type and its real sha256 (hex). */
  blob?: Buffer;
  contentType?: string;
  blobSha256?: string;
  uploadSig: string;
  downloadSig: string;
}

export interface JobRef {
  /** Job name (default "build"). */
  job?: string;
  /** Run attempt, 1-based (default 1). */
  attempt?: number;
}

export interface ArtifactServiceOptions {
  /** GITHUB_RUN_ID of the run (default "4242424242"). */
  runId?: string;
}

export interface ArtifactService {
  /** Base URL (Twirp and blob endpoints). */
  url: string;
  runId: string;
  runBackendId: string;
  /** The environment of job "build", attempt 1: see envFor(). */
  env: Record<string, string>;
  /** What @actions/artifact reads, for one job of one attempt of this run. */
  envFor(ref?: JobRef): Record<string, string>;
  /** The ACTIONS_RUNTIME_TOKEN of a job (an HS256 JWT with the Actions.Results scope). */
  runtimeToken(ref?: JobRef): string;
  /** Every artifact created (finalized or not, deleted ones removed), oldest first. */
  artifacts: StoredArtifact[];
  /** Every Twirp call: method and HTTP status answered. */
  calls: Array<{ method: string; status: number }>;
  /** Every blob-endpoint operation answered: artifact id, op ("block", "blocklist", "put", "get", "head") and status. */
  blobOps: Array<{ id: number; op: string; status: number }>;
  close(): Promise<void>;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function azureError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-version': AZURE_VERSION, 'x-ms-request-id': randomUUID() });
  res.end(body);
}

export async function startArtifactService(options: ArtifactServiceOptions = {}): Promise<ArtifactService> {
  const runId = options.runId ?? '4242424242';
  const runBackendId = randomUUID();
  const secret = randomBytes(32).toString('hex');
  const jobs = new Map<string, { job: string; attempt: number; token: string }>(); // by job backend id
  const artifacts: StoredArtifact[] = [];
  const calls: ArtifactService['calls'] = [];
  const blobOps: ArtifactService['blobOps'] = [];
  const staged = new Map<string, Map<string, Buffer>>(); // uploadSig → block id → data
  let nextId = 1000;

  function jobFor(ref: JobRef = {}): { jobBackendId: string; token: string } {
    const job = ref.job ?? 'build';
    const attempt = ref.attempt ?? 1;
    for (const [id, j] of jobs) if (j.job === job && j.attempt === attempt) return { jobBackendId: id, token: j.token };
    const jobBackendId = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = hs256Jwt(
      {
        nameid: 'dddddddd-dddd-dddd-dddd-dddddddddddd',
        scp: `Actions.GenericRead:${runBackendId} Actions.UploadArtifacts:${runBackendId}:${jobBackendId} Actions.Results:${runBackendId}:${jobBackendId}`,
        IdentityTypeClaim: 'System:ServiceIdentity',
        iss: 'vstoken.actions.githubusercontent.com',
        aud: 'vstoken.actions.githubusercontent.com',
        iat: now,
        nbf: now,
        exp: now + 6 * 3600,
      },
      secret,
    );
    jobs.set(jobBackendId, { job, attempt, token });
    return { jobBackendId, token };
  }

  /** The caller's job, from its bearer token (signature checked: the real service authenticates it). */
  function caller(req: http.IncomingMessage): { jobBackendId: string; job: string; attempt: number } {
    const token = bearer(req);
    if (!token) throw new TwirpError(401, 'unauthenticated', 'missing bearer token');
    const entry = [...jobs.entries()].find(([, j]) => j.token === token);
    if (!entry) {
      try {
        decodeJwt(token);
      } catch {
        throw new TwirpError(401, 'unauthenticated', 'malformed bearer token');
      }
      throw new TwirpError(401, 'unauthenticated', 'bearer token was not issued for this run');
    }
    return { jobBackendId: entry[0], ...entry[1] };
  }

  const str = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');
  const signedUrl = (a: StoredArtifact, perm: 'cw' | 'r'): string => {
    const se = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const q = new URLSearchParams({ sig: perm === 'r' ? a.downloadSig : a.uploadSig, se, sp: perm, spr: 'https', sr: 'b', sv: AZURE_VERSION });
    return `${server.url}${BLOB_PREFIX}${a.runBackendId}/workflow-job-run-${a.jobBackendId}/artifacts/${a.id}?${q}`;
  };
  const listed = (a: StoredArtifact): Record<string, unknown> => ({
    workflow_run_backend_id: a.runBackendId,
    workflow_job_run_backend_id: a.jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.size ?? 0),
    created_at: a.createdAt.toISOString(),
    ...(a.digest ? { digest: a.digest } : {}),
  });

  function twirp(method: string, who: ReturnType<typeof caller>, body: Record<string, unknown>): Record<string, unknown> {
    if (str(body, 'workflow_run_backend_id') !== runBackendId) throw new TwirpError(403, 'permission_denied', 'workflow_run_backend_id does not match the token');
    const name = str(body, 'name');
    const ownJob = str(body, 'workflow_job_run_backend_id');
    switch (method) {
      case 'CreateArtifact': {
        if (ownJob !== who.jobBackendId) throw new TwirpError(403, 'permission_denied', 'workflow_job_run_backend_id does not match the token');
        if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required');
        // A name is taken for the whole run, re-run attempts included: GitHub's service answers 409 (the reason
        // actions/upload-artifact@v4 added `overwrite`, which deletes the old artifact by name first).
        if (artifacts.some((a) => a.name === name))
          throw new TwirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
        const mime = body.mime_type;
        const a: StoredArtifact = {
          id: nextId++,
          name,
          runBackendId,
          jobBackendId: who.jobBackendId,
          job: who.job,
          attempt: who.attempt,
          createdAt: new Date(),
          ...(typeof body.expires_at === 'string' ? { expiresAt: body.expires_at } : {}),
          ...(typeof mime === 'string' ? { mimeType: mime } : {}),
          ...(typeof body.version === 'number' ? { version: body.version } : {}),
          finalized: false,
          uploadSig: randomBytes(16).toString('base64url'),
          downloadSig: randomBytes(16).toString('base64url'),
        };
        artifacts.push(a);
        return { ok: true, signed_upload_url: signedUrl(a, 'cw') };
      }
      case 'FinalizeArtifact': {
        if (ownJob !== who.jobBackendId) throw new TwirpError(403, 'permission_denied', 'workflow_job_run_backend_id does not match the token');
        const a = artifacts.find((x) => x.jobBackendId === who.jobBackendId && x.name === name && !x.finalized);
        if (!a) throw new TwirpError(404, 'not_found', `no artifact named ${name} is being uploaded by this job`);
        if (!a.blob) throw new TwirpError(412, 'failed_precondition', 'artifact content was not uploaded');
        a.finalized = true;
        a.size = Number(body.size ?? 0);
        if (typeof body.hash === 'string') a.digest = body.hash;
        return { ok: true, artifact_id: String(a.id) };
      }
      case 'ListArtifacts': {
        const nameFilter = typeof body.name_filter === 'string' ? body.name_filter : undefined;
        const idFilter = body.id_filter === undefined ? undefined : Number(body.id_filter);
        const found = artifacts.filter((a) => a.finalized && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || a.id === idFilter));
        return { artifacts: found.map(listed) };
      }
      case 'GetSignedArtifactURL':
      case 'DeleteArtifact': {
        const matches = artifacts.filter((a) => a.finalized && a.jobBackendId === ownJob && a.name === name);
        const a = matches.at(-1);
        if (!a) throw new TwirpError(404, 'not_found', `artifact ${name} not found`);
        if (method === 'GetSignedArtifactURL') return { signed_url: signedUrl(a, 'r') };
        artifacts.splice(artifacts.indexOf(a), 1);
        return { ok: true, artifact_id: String(a.id) };
      }
      default:
        throw new TwirpError(404, 'bad_route', `no handler for path "${TWIRP_PREFIX}${method}"`);
    }
  }

  async function blob(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const id = Number(url.pathname.split('/').at(-1));
    const a = artifacts.find((x) => x.id === id && url.pathname === new URL(signedUrl(x, 'r')).pathname);
    const sig = url.searchParams.get('sig');
    const se = Date.parse(url.searchParams.get('se') ?? '');
    const write = req.method === 'PUT';
    if (!a || sig !== (write ? a.uploadSig : a.downloadSig) || !(se > Date.now()) || (write && a.finalized))
      return azureError(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
    const comp = url.searchParams.get('comp');
    const op = write ? (comp ?? 'put') : (req.method ?? '').toLowerCase();
    const ok = (status: number, extra: http.OutgoingHttpHeaders = {}, body?: Buffer): void => {
      blobOps.push({ id: a.id, op, status });
      res.writeHead(status, {
        'x-ms-request-id': randomUUID(),
        'x-ms-version': AZURE_VERSION,
        date: new Date().toUTCString(),
        'content-length': body?.length ?? 0,
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const committed = (): http.OutgoingHttpHeaders => ({
      etag: `"0x${createHash('sha256').update(a.blob ?? Buffer.alloc(0)).digest('hex').slice(0, 16).toUpperCase()}"`,
      'last-modified': a.createdAt.toUTCString(),
      'x-ms-request-server-encrypted': 'true',
    });
    const commit = (data: Buffer): void => {
      a.blob = data;
      a.blobSha256 = createHash('sha256').update(data).digest('hex');
      a.contentType = String(req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? 'application/octet-stream');
      staged.delete(a.uploadSig);
    };

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!a.blob) return azureError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
      return ok(
        200,
        {
          ...committed(),
          'content-type': a.contentType ?? 'application/octet-stream',
          'content-disposition': `attachment; filename="${a.name}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
          'x-ms-blob-type': 'BlockBlob',
          'accept-ranges': 'bytes',
        },
        a.blob,
      );
    }
    if (!write) return azureError(res, 405, 'UnsupportedHttpVerb', 'The resource doesn\'t support specified Http Verb.');
    const data = await readBody(req);
    const md5 = createHash('md5').update(data).digest('base64');
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return azureError(res, 400, 'InvalidQueryParameterValue', 'blockid is required');
      const blocks = staged.get(a.uploadSig) ?? new Map<string, Buffer>();
      blocks.set(blockId, data);
      staged.set(a.uploadSig, blocks);
      return ok(201, { 'content-md5': md5, 'x-ms-request-server-encrypted': 'true' });
    }
    if (comp === 'blocklist') {
      const blocks = staged.get(a.uploadSig) ?? new Map<string, Buffer>();
      const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1] ?? '');
      const missing = ids.find((b) => !blocks.has(b));
      if (missing !== undefined) return azureError(res, 400, 'InvalidBlockList', `The specified block list is invalid (unknown block ${missing}).`);
      commit(Buffer.concat(ids.map((b) => blocks.get(b) as Buffer)));
      return ok(201, committed());
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
      commit(data);
      return ok(201, { ...committed(), 'content-md5': md5 });
    }
    return azureError(res, 400, 'UnsupportedQueryParameter', `comp=${comp} is not supported by this stand-in`);
  }

  const server = await listen(async (req, res, url) => {
    if (url.pathname.startsWith(BLOB_PREFIX)) return blob(req, res, url);
    if (!url.pathname.startsWith(TWIRP_PREFIX)) return sendJson(res, 404, { code: 'bad_route', msg: `no handler for path "${url.pathname}"` });
    const method = url.pathname.slice(TWIRP_PREFIX.length);
    try {
      if (req.method !== 'POST') throw new TwirpError(404, 'bad_route', `unsupported method ${req.method} (only POST is allowed)`);
      const who = caller(req);
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
      } catch {
        throw new TwirpError(400, 'malformed', 'the json request could not be decoded');
      }
      if (typeof body !== 'object' || body === null) throw new TwirpError(400, 'malformed', 'the json request could not be decoded');
      const out = twirp(method, who, body as Record<string, unknown>);
      calls.push({ method, status: 200 });
      sendJson(res, 200, out);
    } catch (err) {
      if (!(err instanceof TwirpError)) throw err;
      calls.push({ method, status: err.status });
      sendJson(res, err.status, { code: err.code, msg: err.message });
    }
  });

  const envFor = (ref: JobRef = {}): Record<string, string> => ({
    ACTIONS_RUNTIME_TOKEN: jobFor(ref).token,
    ACTIONS_RESULTS_URL: `${server.url}/`,
    GITHUB_SERVER_URL: 'https://github.com', // isGhes() === false
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: String(ref.attempt ?? 1),
  });

  return {
    url: server.url,
    runId,
    runBackendId,
    env: envFor(),
    envFor,
    runtimeToken: (ref) => jobFor(ref).token,
    artifacts,
    calls,
    blobOps,
    close: server.close,
  };
}
