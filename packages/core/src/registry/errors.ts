export interface RegistryErrorInit {
  /** Registry host[:port] as the user wrote it (docker.io, ghcr.io, localhost:5000). */
  readonly registry: string;
  /** Repository path inside the registry, when the operation concerns one. */
  readonly repository?: string;
  /** What we were doing, e.g. "PUT manifest sha256:…", "HEAD blob sha256:…", "GET /v2/". */
  readonly operation: string;
  /** HTTP status; undefined for connection-level failures. */
  readonly status?: number;
  /** The registry's error code (MANIFEST_INVALID, DENIED, …) or, without a status, the network error code (ECONNRESET, …). */
  readonly code?: string;
  /** Human-readable detail: the registry's message(s), or the network error's message. */
  readonly detail?: string;
  /** How to fix it, when we know. */
  readonly fix?: string;
  /** Raw Retry-After header of the response, if any. */
  readonly retryAfter?: string;
  /** How many attempts were made (set once retries are exhausted). */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/** A failed registry operation: says which registry/repository, what we did, what the registry answered and how to fix it. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly registry: string;
  readonly repository: string | undefined;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly fix: string | undefined;
  readonly retryAfter: string | undefined;
  readonly attempts: number | undefined;

  constructor(readonly init: RegistryErrorInit) {
    super(formatRegistryError(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.registry = init.registry;
    this.repository = init.repository;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fix = init.fix;
    this.retryAfter = init.retryAfter;
    this.attempts = init.attempts;
  }

  /** `registry/repository` (or just the registry). */
  get where(): string {
    return this.repository ? `${this.registry}/${this.repository}` : this.registry;
  }

  /** The same error, noting how many attempts were made. */
  withAttempts(attempts: number): RegistryError {
    return new RegistryError({ ...this.init, attempts, cause: this.init.cause ?? this });
  }
}

function formatRegistryError(e: RegistryErrorInit): string {
  const where = e.repository ? `${e.registry}/${e.repository}` : e.registry;
  const what = [e.status, e.code].filter((x) => x !== undefined && x !== '').join(' ');
  const detail = e.detail ? (what ? ` (${e.detail})` : e.detail) : '';
  const attempts = e.attempts && e.attempts > 1 ? ` after ${e.attempts} attempts` : '';
  const fix = e.fix ? `. Fix: ${e.fix}` : '';
  return `${where}: ${e.operation} failed${attempts}: ${what}${detail}${fix}`;
}

/** A problem with an OCI image layout directory on disk (missing blob, digest mismatch, bad JSON). */
export class OciLayoutError extends Error {
  override name = 'OciLayoutError';
  constructor(
    readonly layoutDir: string,
    readonly problem: string,
  ) {
    super(`OCI layout ${layoutDir}: ${problem}`);
  }
}

export interface RegistryErrorEntry {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
}

/** Reads the distribution spec's error body `{"errors":[{"code","message","detail"}]}`; tolerant of anything else. */
export function parseRegistryErrorBody(body: Buffer | string | undefined): RegistryErrorEntry[] {
  if (body === undefined || body.length === 0) return [];
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const line = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    return line ? [{ message: line }] : [];
  }
  const list = json && typeof json === 'object' && Array.isArray((json as { errors?: unknown }).errors) ? ((json as { errors: unknown[] }).errors) : [];
  const out: RegistryErrorEntry[] = [];
  for (const e of list) {
    if (!e || typeof e !== 'object') continue;
    const { code, message, detail } = e as { code?: unknown; message?: unknown; detail?: unknown };
    out.push({
      ...(typeof code === 'string' && code ? { code } : {}),
      ...(typeof message === 'string' && message ? { message } : {}),
      ...(renderDetail(detail) ? { detail: renderDetail(detail) } : {}),
    });
  }
  if (out.length === 0 && json && typeof json === 'object') {
    // Some registries answer {"message": "..."} or {"error": "..."}; Docker Hub's token service {"details": "..."}
    // (what docker shows as "unauthorized: <details>"); OAuth2 token endpoints {"error", "error_description"}.
    const { message, error, details, error_description: description } = json as { message?: unknown; error?: unknown; details?: unknown; error_description?: unknown };
    const oauth = typeof error === 'string' && typeof description === 'string' && description ? `${error}: ${description}` : undefined;
    const m = typeof message === 'string' ? message : (oauth ?? (typeof error === 'string' ? error : typeof details === 'string' ? details : undefined));
    if (m) out.push({ message: m.slice(0, 300) });
  }
  return out;
}

function renderDetail(detail: unknown): string | undefined {
  if (detail === undefined || detail === null) return undefined;
  if (typeof detail === 'string') return detail.slice(0, 300) || undefined;
  if (typeof detail === 'object' && Object.keys(detail).length === 0) return undefined;
  const s = JSON.stringify(detail);
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

/** "CODE" and "message: detail; CODE2 message2" from the parsed entries. */
export function summariseRegistryErrors(entries: readonly RegistryErrorEntry[]): { code?: string; detail?: string } {
  const [first, ...rest] = entries;
  if (!first) return {};
  const text = (e: RegistryErrorEntry) => [e.message, e.detail].filter(Boolean).join(': ');
  const detail = [text(first), ...rest.map((e) => [e.code, text(e)].filter(Boolean).join(' '))].filter(Boolean).join('; ');
  return { ...(first.code ? { code: first.code } : {}), ...(detail ? { detail } : {}) };
}
