// The artifact service stand-in's state, shared by its two faces: the Twirp API that creates, lists and signs
// artifacts, and the blob endpoint the signed URLs point at. Test support only: never bundled.

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
export const BLOB_PREFIX = '/devstoreaccount1/actions-results/'; // IP-style URL: the SDK reads /<account>/<container>/<blob>
export const AZURE_VERSION = '2025-11-05';

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

export interface ArtifactStore {
  readonly runBackendId: string;
  /** Every artifact created (finalized or not, deleted ones removed), oldest first. */
  readonly artifacts: StoredArtifact[];
  /** Blocks put so far, by upload signature then block id, until a block list commits them. */
  readonly staged: Map<string, Map<string, Buffer>>;
  /** Every blob-endpoint operation answered. */
  readonly blobOps: Array<{ id: number; op: string; status: number }>;
  /** Base URL of the service, what signed URLs start with (known once it listens, before any request). */
  url: string;
  nextId: number;
}

/** An Azure SAS-style URL for one artifact's blob: `cw` to upload it, `r` to download it. */
export function signedUrl(store: ArtifactStore, a: StoredArtifact, perm: 'cw' | 'r'): string {
  const se = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const q = new URLSearchParams({ sig: perm === 'r' ? a.downloadSig : a.uploadSig, se, sp: perm, spr: 'https', sr: 'b', sv: AZURE_VERSION });
  return `${store.url}${BLOB_PREFIX}${a.runBackendId}/workflow-job-run-${a.jobBackendId}/artifacts/${a.id}?${q}`;
}
