import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { parseList } from '../inputs.ts';
import { isPem } from '../cosign/setup.ts';
import type { SigstoreTrustInputs } from '../cosign/trust.ts';
import { type ExpectedSigner, GITHUB_ACTIONS_ISSUER } from '../policy/expected-signer.ts';
import { consumerPolicies } from '../policy/all.ts';
import { cosignVerifyCommands } from '../policy/cosign-commands.ts';
import { type PolicyResult, describeRefusal } from '../policy/result.ts';
import { mdBlock } from '../summary.ts';
import type { VerifyInputs } from './inputs.ts';
import type { VerifyReport } from './run.ts';
import type { HandoffStore } from '../handoff/store.ts';

/*
 * The consumer policies of what verify just checked: the same expected signer becomes the admission and pull
 * policies a cluster or a host enforces, so the two can never disagree. A target that cannot express the signer
 * (podman and a GitHub keyless identity) gets its refusal, with the reason and the alternatives, never a policy
 * that looks safe and is not.
 */
export type PolicyKind = 'podman' | 'kyverno' | 'policy-controller' | 'cosign';
const KINDS: readonly PolicyKind[] = ['podman', 'kyverno', 'policy-controller', 'cosign'];

export function parsePolicyKinds(value: string): PolicyKind[] {
  const given = parseList(value).map((v) => v.toLowerCase());
  if (given.includes('all')) return [...KINDS];
  return [...new Set(given.filter((g) => g !== 'none'))].map((g): PolicyKind => {
    if (!(KINDS as readonly string[]).includes(g)) throw new InputError('policies', `"${g}" is not a policy kind`, `list some of ${KINDS.join(', ')}, or all, or none`);
    return g as PolicyKind;
  });
}

/** PEM content, or the content of the file a path names (consumers get the material inline). */
const pem = (v: string | undefined): string | undefined => (!v ? undefined : isPem(v) ? v : existsSync(v) ? readFileSync(v, 'utf8') : undefined);

function sigstoreOf(trust: SigstoreTrustInputs) {
  const out: Record<string, string> = {};
  if (trust.rekorUrl) out.rekorUrl = trust.rekorUrl;
  const fulcio = pem(trust.fulcioRoot);
  const rekor = pem(trust.rekorPublicKey);
  const ct = pem(trust.ctLogPublicKey);
  if (fulcio) out.fulcioCaPem = fulcio;
  if (rekor) out.rekorPublicKeyPem = rekor;
  if (ct) out.ctlogPublicKeyPem = ct;
  return out;
}

/** The expected signer verify enforced, as the policy generator's input. */
export function expectedSignerOf(inputs: VerifyInputs): ExpectedSigner {
  const images = [inputs.image.image.name];
  const tlog = !inputs.insecureIgnoreTlog;
  const sigstore = sigstoreOf(inputs.trust);
  if (inputs.key) {
    const publicKeyPem = pem(inputs.key);
    if (!publicKeyPem) throw new InputError('key', 'is a KMS URI or env:// reference: a consumer policy needs the public key itself', 'give the public key as PEM content or a file path to generate policies, or remove policies');
    return { kind: 'key', images, publicKeyPem, ...(isPem(inputs.key) ? {} : { publicKeyPath: inputs.key }), tlog, ...(Object.keys(sigstore).length ? { sigstore } : {}) };
  }
  return {
    kind: 'keyless',
    images,
    issuer: inputs.issuer || GITHUB_ACTIONS_ISSUER,
    identity: inputs.identity ? { san: inputs.identity } : { regexp: inputs.identityRegexp as string },
    repository: inputs.repository as string,
    sourceRef: inputs.sourceRef ?? 'any',
    ...(inputs.trigger ? { trigger: inputs.trigger } : {}),
    tlog,
    ...(Object.keys(sigstore).length ? { sigstore } : {}),
  };
}

export interface WrittenPolicies {
  dir: string;
  files: string[];
  refusals: string[];
  summary: string;
}

/** Writes the requested consumer documents under `dir` (file names say the tool), with a summary section. */
export async function writeConsumerPolicies(kinds: readonly PolicyKind[], inputs: VerifyInputs, report: VerifyReport, dir: string): Promise<WrittenPolicies> {
  const signer = expectedSignerOf(inputs);
  const all = consumerPolicies(signer);
  const chosen: Array<[string, PolicyResult<unknown>]> = [];
  // registries.d only matters next to a policy.json that enforces something.
  if (kinds.includes('podman')) chosen.push(['policy.json', all.containersPolicy], ...(all.containersPolicy.ok ? ([['registries.d/moam.yaml', all.registriesD]] as Array<[string, PolicyResult<unknown>]>) : []));
  if (kinds.includes('kyverno')) chosen.push(['kyverno-clusterpolicy.yaml', all.kyvernoClusterPolicy], ['kyverno-imagevalidatingpolicy.yaml', all.kyvernoImageValidatingPolicy]);
  if (kinds.includes('policy-controller')) chosen.push(['policy-controller-clusterimagepolicy.yaml', all.policyController]);
  if (kinds.includes('cosign')) {
    const platforms = Object.fromEntries(report.digests.filter((d) => d.kind === 'platform' && d.platform && d.platform !== 'unknown').map((d) => [d.platform as string, d.digest]));
    chosen.push(['cosign-verify.sh', cosignVerifyCommands(signer, { image: inputs.image.image.name, index: report.digest, platforms })]);
  }
  const files: string[] = [];
  const refusals: string[] = [];
  const parts: string[] = ['#### Consumer policies', '', `Generated from the signer this step verified, in \`${dir}\`.`, ''];
  for (const [name, result] of chosen) {
    if (!result.ok) {
      refusals.push(describeRefusal(result));
      parts.push(`**${name}: not generated.** ${result.reason}`, '', mdBlock('text', describeRefusal(result)), '');
      continue;
    }
    const text = name.endsWith('.sh') ? `#!/usr/bin/env bash\nset -euo pipefail\n${result.text}` : result.text;
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
    files.push(name);
    parts.push(`<details><summary>${name}</summary>`, '', mdBlock(name.endsWith('.json') ? 'json' : name.endsWith('.sh') ? 'bash' : 'yaml', text.trimEnd()), '', ...result.notes.map((n) => `- ${n}`), '</details>', '');
  }
  return { dir, files, refusals, summary: parts.join('\n') };
}

/**
 * What main calls after verifying: nothing when no policies were asked for; otherwise the files, written from the
 * verified signer (only a verified image gets policies), and the artifact when one is named.
 */
export async function publishConsumerPolicies(inputs: VerifyInputs, report: VerifyReport, deps: { tmpDir: string; store: HandoffStore; log: (line: string) => void }): Promise<WrittenPolicies | undefined> {
  if (inputs.policies.length === 0 || !report.verified) return undefined;
  const dir = inputs.policiesDir ?? path.join(deps.tmpDir, 'moam-consumer-policies');
  const written = await writeConsumerPolicies(inputs.policies, inputs, report, dir);
  deps.log(`Consumer policies in ${dir}: ${written.files.join(', ') || 'none'}${written.refusals.length ? `; not generated: ${written.refusals.map((r) => r.split(':')[0]).join(', ')}` : ''}`);
  if (inputs.policiesArtifact) await deps.store.putDirectory(inputs.policiesArtifact, dir);
  return written;
}
