import { lastErrorLine, stripAnsi } from '../exec.ts';

/*
 * Exit codes of `cosign verify`, from cosign's cmd/cosign/errors/exit_codes.go (same in 2.x and 3.x):
 *   10 ImageWithoutSignature  "Error verifying image due to no signature"
 *   11 NonExistentTag         "Error verifying image due to non-existent tag"
 *   12 NoMatchingSignature    "Error verifying image due to no matching signature"
 * WrapError (error_wrap.go) maps only cosign.VerificationError types to those codes; every other error
 * exits 1 (exit_code_lookup.go: "by default ... return 1"). So a 1 can still mean "no signatures" when the
 * failing path does not raise a typed VerificationError; the message is checked as a fallback below.
 */
export const EXIT_NO_SIGNATURES = 10;
export const EXIT_NO_MATCHING_SIGNATURE = 12;

export interface VerifiedSignature {
  /** critical.image.docker-manifest-digest: the digest the signature covers. */
  dockerManifestDigest?: string;
  /** critical.identity.docker-reference: the repository the signer signed it under. */
  dockerReference?: string;
  /** critical.type, "cosign container image signature" for cosign signatures. */
  type?: string;
  /** optional.Issuer: the certificate's OIDC issuer (keyless only). */
  issuer?: string;
  /** optional.Subject: the certificate's identity (SAN), e.g. the workflow URL@ref (keyless only). */
  subject?: string;
  githubWorkflowRepository?: string;
  githubWorkflowRef?: string;
  githubWorkflowSha?: string;
  githubWorkflowTrigger?: string;
  githubWorkflowName?: string;
  /** The signer's own -a key=value annotations (optional entries that are not cosign's). */
  annotations: Record<string, unknown>;
  /** The entry as cosign printed it. */
  raw: unknown;
}

export type VerifyOutcome =
  | { status: 'verified'; signatures: VerifiedSignature[] }
  | { status: 'no-signatures'; reason: string }
  | { status: 'no-match'; reason: string }
  | { status: 'error'; reason: string; exitCode: number };

/** optional.* keys cosign itself writes (names and their Fulcio OIDs), as opposed to signer annotations. */
const COSIGN_OPTIONAL_KEYS = new Set(['Bundle', 'Issuer', 'Subject', 'RFC3161Timestamp', 'githubWorkflowTrigger', 'githubWorkflowSha', 'githubWorkflowName', 'githubWorkflowRepository', 'githubWorkflowRef']);
const FULCIO_OID = /^1\.3\.6\.1\.4\.1\.57264\./;

/** cosign's own "Error: ..." line (without the prefix), else the best error line of the output. */
export function cosignReason(stderr: string, stdout = ''): string {
  for (const line of stderr.split(/\r?\n/)) {
    const l = stripAnsi(line).trim();
    if (l.startsWith('Error: ')) return l.slice('Error: '.length).slice(0, 500);
  }
  return lastErrorLine(stderr, stdout) || '(cosign printed no error)';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Reads the JSON array cosign verify prints on stdout (cosign prints "\n[...]\n"; anything before the array is skipped). */
export function parseVerifyJson(stdout: string): VerifiedSignature[] | undefined {
  const text = stdout.trim();
  const candidates = [text, ...text.split(/\r?\n/).flatMap((line, i, lines) => (line.trimStart().startsWith('[') ? [lines.slice(i).join('\n')] : []))];
  for (const c of candidates) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed)) continue;
    return parsed.map(toSignature);
  }
  return undefined;
}

function toSignature(entry: unknown): VerifiedSignature {
  const e = obj(entry);
  const critical = obj(e.critical);
  const optional = obj(e.optional);
  const annotations: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(optional)) if (!COSIGN_OPTIONAL_KEYS.has(k) && !FULCIO_OID.test(k)) annotations[k] = v;
  const sig: VerifiedSignature = { annotations, raw: entry };
  const set = <K extends keyof VerifiedSignature>(k: K, v: VerifiedSignature[K] | undefined) => {
    if (v !== undefined) sig[k] = v;
  };
  set('dockerManifestDigest', str(obj(critical.image)['docker-manifest-digest']));
  set('dockerReference', str(obj(critical.identity)['docker-reference']));
  set('type', str(critical.type));
  set('issuer', str(optional.Issuer));
  set('subject', str(optional.Subject));
  set('githubWorkflowRepository', str(optional.githubWorkflowRepository));
  set('githubWorkflowRef', str(optional.githubWorkflowRef));
  set('githubWorkflowSha', str(optional.githubWorkflowSha));
  set('githubWorkflowTrigger', str(optional.githubWorkflowTrigger));
  set('githubWorkflowName', str(optional.githubWorkflowName));
  return sig;
}

const NO_SIGNATURES = /\bno signatures found\b/i;
const NO_MATCH = /\bno matching (signatures|attestations)\b/i;

/** Classifies one `cosign verify` run from its exit code and output. */
export function parseVerifyOutcome(exitCode: number, stdout: string, stderr: string): VerifyOutcome {
  if (exitCode === 0) {
    const signatures = parseVerifyJson(stdout);
    if (!signatures) return { status: 'error', reason: 'cosign verify exited 0 but printed no JSON array of signatures on stdout', exitCode };
    if (signatures.length === 0) return { status: 'error', reason: 'cosign verify exited 0 but listed no signatures', exitCode };
    return { status: 'verified', signatures };
  }
  const reason = cosignReason(stderr, stdout);
  if (exitCode === EXIT_NO_SIGNATURES) return { status: 'no-signatures', reason };
  if (exitCode === EXIT_NO_MATCHING_SIGNATURE) return { status: 'no-match', reason };
  if (exitCode === 1) {
    // Untyped errors exit 1; the messages below are cosign's own for these two cases.
    if (NO_MATCH.test(reason)) return { status: 'no-match', reason };
    if (NO_SIGNATURES.test(reason)) return { status: 'no-signatures', reason };
  }
  return { status: 'error', reason, exitCode };
}

