// A cosign double for unit tests: `cosign verify` answers from a table of who signed which digest, applying the
// identity, issuer and repository flags the way cosign does (the identity regexp unanchored, as Go's MatchString);
// `cosign sign` records the call and adds a signature. Output shapes are those of cosign 2.5.0 (see
// test/cosign/fixtures): JSON array on stdout, "Error: ..." and exit 10/12 otherwise.
// Given the registry, `cosign sign` also does what cosign does there: --recursive signs every manifest of the index,
// a keyless signature carries the identity Fulcio certifies for the token (https://github.com/<job_workflow_ref>),
// and each signed digest gets its legacy .sig manifest (one simple-signing layer per signature) under its .sig tag.
import { readFileSync } from 'node:fs';
import { type Exec, ToolError } from '../../src/exec.ts';
import { parseImageReference } from '../../src/image.ts';
import { parseDigest } from '../../src/digest.ts';
import { signatureTag } from '../../src/sign/targets.ts';
import { OCI_MANIFEST, type MemoryRegistry } from './memory-registry.ts';

export interface FakeSignature {
  subject?: string;
  issuer?: string;
  repository?: string;
  /** Key-based signatures: the public key path that verifies them. */
  key?: string;
}

const flag = (args: readonly string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

function signerOf(args: readonly string[]): FakeSignature {
  const tokenFile = flag(args, 'identity-token');
  if (!tokenFile) return { key: flag(args, 'key') ?? '' };
  let claims: Record<string, string>;
  try {
    claims = JSON.parse(Buffer.from(readFileSync(tokenFile, 'utf8').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>;
  } catch {
    return {}; // Fulcio would refuse such a token; the tests that pass one only count signing calls
  }
  return { subject: `https://github.com/${claims.job_workflow_ref}`, issuer: claims.iss, ...(claims.repository ? { repository: claims.repository } : {}) };
}

async function sign(signatures: Map<string, FakeSignature[]>, args: readonly string[], registry: MemoryRegistry | undefined): Promise<void> {
  const ref = parseImageReference(args.at(-1) as string);
  const root = ref.digest as string;
  const digests = [root];
  if (registry && args.includes('--recursive')) digests.push(...((await registry.getManifest(ref.image, root)).json.manifests ?? []).map((m) => m.digest));
  const signer = signerOf(args);
  for (const digest of digests) {
    const list = [...(signatures.get(digest) ?? []), signer];
    signatures.set(digest, list);
    if (!registry) continue;
    const layers = list.map((_, i) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: parseDigest(`sha256:${String(i).repeat(64)}`), size: 1, annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' } }));
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: parseDigest(`sha256:${'c'.repeat(64)}`), size: 2 };
    registry.tag(ref.image, signatureTag(digest), registry.store(ref.image, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }));
  }
}

export function fakeCosign(signatures: Map<string, FakeSignature[]>, calls: string[][] = [], registry?: MemoryRegistry): Exec {
  return async (_file, args) => {
    calls.push([...args]);
    const ref = args.at(-1) as string;
    const digest = ref.slice(ref.indexOf('@') + 1);
    if (args[0] === 'sign') {
      await sign(signatures, args, registry);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    if (args[0] !== 'verify') throw new Error(`fake cosign: unexpected ${args[0]}`);
    const sigs = signatures.get(digest) ?? [];
    if (sigs.length === 0) throw new ToolError('cosign', args, 10, '', 'Error: no signatures found\n', 'Error: no signatures found');
    const key = flag(args, 'key');
    const identity = flag(args, 'certificate-identity');
    const regexp = flag(args, 'certificate-identity-regexp');
    const issuer = flag(args, 'certificate-oidc-issuer');
    const repository = flag(args, 'certificate-github-workflow-repository');
    const ok = sigs.filter((s) =>
      key !== undefined
        ? s.key === key
        : s.subject !== undefined && (identity === undefined || s.subject === identity) && (regexp === undefined || new RegExp(regexp).test(s.subject)) && s.issuer === issuer && (repository === undefined || s.repository === repository),
    );
    if (ok.length === 0) throw new ToolError('cosign', args, 12, '', 'Error: no matching signatures: none of the expected identities matched what was in the certificate\n', 'Error: no matching signatures');
    const out = ok.map((s) => ({
      critical: { identity: { 'docker-reference': ref.slice(0, ref.indexOf('@')) }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: s.subject ? { Issuer: s.issuer, Subject: s.subject, githubWorkflowRepository: s.repository } : {},
    }));
    return { exitCode: 0, stdout: `\n${JSON.stringify(out)}\n`, stderr: '' };
  };
}
