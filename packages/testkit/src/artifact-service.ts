// Stand-in for GitHub's Actions results service (Twirp ArtifactService, what @actions/artifact v2+ calls) and
// for the Azure block-blob endpoint its signed URLs point at. Test support only: never bundled.
//
// One service = one workflow run. Each (job, attempt) gets its own ACTIONS_RUNTIME_TOKEN whose `scp` claim
// carries `Actions.Results:<run backend id>:<job backend id>`, as the runner's does. Artifacts live in memory
// for the life of the service, so one process can upload and another (another "job") download.
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { serveBlob } from './artifact-blob.ts';
import { type ArtifactStore, BLOB_PREFIX, type StoredArtifact } from './artifact-store.ts';
import { type Caller, TwirpError, serveTwirp } from './artifact-twirp.ts';
import { bearer, decodeJwt, hs256Jwt, listen } from './http-util.ts';

export type { StoredArtifact } from './artifact-store.ts';

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

export async function startArtifactService(options: ArtifactServiceOptions = {}): Promise<ArtifactService> {
  const runId = options.runId ?? '4242424242';
  const secret = randomBytes(32).toString('hex');
  const jobs = new Map<string, { job: string; attempt: number; token: string }>(); // by job backend id
  const store: ArtifactStore = { runBackendId: randomUUID(), artifacts: [], staged: new Map(), blobOps: [], url: '', nextId: 1000 };
  const { runBackendId } = store;
  const calls: ArtifactService['calls'] = [];

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
  function caller(req: http.IncomingMessage): Caller {
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

  const server = await listen((req, res, url) => (url.pathname.startsWith(BLOB_PREFIX) ? serveBlob(store, req, res, url) : serveTwirp(store, calls, caller, req, res, url)));
  store.url = server.url;

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
    artifacts: store.artifacts,
    calls,
    blobOps: store.blobOps,
    close: server.close,
  };
}
