// A cosign double for unit tests: `cosign verify` answers from a table of who signed which digest, applying the
// identity, issuer and repository flags the way cosign does (the identity regexp unanchored, as Go's MatchString);
// `cosign sign` records the call and adds a signature. Output shapes are those of cosign 2.5.0 (see
// test/cosign/fixtures): JSON array on stdout, "Error: ..." and exit 10/12 otherwise.
import { type Exec, ToolError } from '../../src/exec.ts';

export interface FakeSignature {
  subject?: string;
  issuer?: string;
  repository?: string;
  /** Key-based signatures: the public key path that verifies them. */
  key?: string;
}

const flag = (args: readonly string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

export function fakeCosign(signatures: Map<string, FakeSignature[]>, calls: string[][] = []): Exec {
  return async (_file, args) => {
    calls.push([...args]);
    const ref = args.at(-1) as string;
    const digest = ref.slice(ref.indexOf('@') + 1);
    if (args[0] === 'sign') {
      const list = signatures.get(digest) ?? [];
      list.push({ key: flag(args, 'key') ?? '' });
      signatures.set(digest, list);
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
