// The Twirp half of the artifact service stand-in: the ArtifactService methods @actions/artifact calls, with the
// status codes and error codes GitHub's results service answers. Test support only: never bundled.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { type ArtifactStore, type StoredArtifact, TWIRP_PREFIX, signedUrl } from './artifact-store.ts';
import { readBody, sendJson } from './http-util.ts';

export class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The job a request's runtime token was issued to. */
export interface Caller {
  jobBackendId: string;
  job: string;
  attempt: number;
}

type Body = Record<string, unknown>;

const str = (body: Body, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');

function ownJob(who: Caller, body: Body): void {
  if (str(body, 'workflow_job_run_backend_id') !== who.jobBackendId) throw new TwirpError(403, 'permission_denied', 'workflow_job_run_backend_id does not match the token');
}

const listed = (a: StoredArtifact): Body => ({
  workflow_run_backend_id: a.runBackendId,
  workflow_job_run_backend_id: a.jobBackendId,
  database_id: String(a.id),
  name: a.name,
  size: String(a.size ?? 0),
  created_at: a.createdAt.toISOString(),
  ...(a.digest ? { digest: a.digest } : {}),
});

function createArtifact(store: ArtifactStore, who: Caller, body: Body): Body {
  ownJob(who, body);
  const name = str(body, 'name');
  if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required');
  // A name is taken for the whole run, re-run attempts included: GitHub's service answers 409 (the reason
  // actions/upload-artifact@v4 added `overwrite`, which deletes the old artifact by name first).
  if (store.artifacts.some((a) => a.name === name)) throw new TwirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
  const mime = body.mime_type;
  const a: StoredArtifact = {
    id: store.nextId++,
    name,
    runBackendId: store.runBackendId,
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
  store.artifacts.push(a);
  return { ok: true, signed_upload_url: signedUrl(store, a, 'cw') };
}

function finalizeArtifact(store: ArtifactStore, who: Caller, body: Body): Body {
  ownJob(who, body);
  const name = str(body, 'name');
  const a = store.artifacts.find((x) => x.jobBackendId === who.jobBackendId && x.name === name && !x.finalized);
  if (!a) throw new TwirpError(404, 'not_found', `no artifact named ${name} is being uploaded by this job`);
  if (!a.blob) throw new TwirpError(412, 'failed_precondition', 'artifact content was not uploaded');
  a.finalized = true;
  a.size = Number(body.size ?? 0);
  if (typeof body.hash === 'string') a.digest = body.hash;
  return { ok: true, artifact_id: String(a.id) };
}

function listArtifacts(store: ArtifactStore, body: Body): Body {
  const nameFilter = typeof body.name_filter === 'string' ? body.name_filter : undefined;
  const idFilter = body.id_filter === undefined ? undefined : Number(body.id_filter);
  const found = store.artifacts.filter((a) => a.finalized && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || a.id === idFilter));
  return { artifacts: found.map(listed) };
}

/** GetSignedArtifactURL and DeleteArtifact: both name the newest finalized artifact of that name and job. */
function signOrDelete(store: ArtifactStore, method: 'GetSignedArtifactURL' | 'DeleteArtifact', body: Body): Body {
  const name = str(body, 'name');
  const matches = store.artifacts.filter((a) => a.finalized && a.jobBackendId === str(body, 'workflow_job_run_backend_id') && a.name === name);
  const a = matches.at(-1);
  if (!a) throw new TwirpError(404, 'not_found', `artifact ${name} not found`);
  if (method === 'GetSignedArtifactURL') return { signed_url: signedUrl(store, a, 'r') };
  store.artifacts.splice(store.artifacts.indexOf(a), 1);
  return { ok: true, artifact_id: String(a.id) };
}

function twirpCall(store: ArtifactStore, method: string, who: Caller, body: Body): Body {
  if (str(body, 'workflow_run_backend_id') !== store.runBackendId) throw new TwirpError(403, 'permission_denied', 'workflow_run_backend_id does not match the token');
  switch (method) {
    case 'CreateArtifact':
      return createArtifact(store, who, body);
    case 'FinalizeArtifact':
      return finalizeArtifact(store, who, body);
    case 'ListArtifacts':
      return listArtifacts(store, body);
    case 'GetSignedArtifactURL':
    case 'DeleteArtifact':
      return signOrDelete(store, method, body);
    default:
      throw new TwirpError(404, 'bad_route', `no handler for path "${TWIRP_PREFIX}${method}"`);
  }
}

async function readTwirpBody(req: http.IncomingMessage): Promise<Body> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
  } catch {
    throw new TwirpError(400, 'malformed', 'the json request could not be decoded');
  }
  if (typeof body !== 'object' || body === null) throw new TwirpError(400, 'malformed', 'the json request could not be decoded');
  return body as Body;
}

/** One Twirp request: authenticated by `caller` (which throws a TwirpError), answered, and recorded in `calls`. */
export async function serveTwirp(
  store: ArtifactStore,
  calls: Array<{ method: string; status: number }>,
  caller: (req: http.IncomingMessage) => Caller,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  if (!url.pathname.startsWith(TWIRP_PREFIX)) return sendJson(res, 404, { code: 'bad_route', msg: `no handler for path "${url.pathname}"` });
  const method = url.pathname.slice(TWIRP_PREFIX.length);
  try {
    if (req.method !== 'POST') throw new TwirpError(404, 'bad_route', `unsupported method ${req.method} (only POST is allowed)`);
    const who = caller(req);
    const out = twirpCall(store, method, who, await readTwirpBody(req));
    calls.push({ method, status: 200 });
    sendJson(res, 200, out);
  } catch (err) {
    if (!(err instanceof TwirpError)) throw err;
    calls.push({ method, status: err.status });
    sendJson(res, err.status, { code: err.code, msg: err.message });
  }
}
