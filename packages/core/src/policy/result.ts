/** The consumer documents this module generates. */
export type PolicyTarget =
  | 'containers-policy.json'
  | 'registries.d'
  | 'kyverno-cluster-policy'
  | 'kyverno-image-validating-policy'
  | 'policy-controller-cluster-image-policy'
  | 'cosign-verify';

/** A document that enforces every field of the expected signer, and its serialized text. */
export interface Generated<T> {
  ok: true;
  target: PolicyTarget;
  document: T;
  /** JSON (containers-policy.json) or YAML, byte-for-byte what to install. */
  text: string;
  /** What the operator must know (e.g. where to put a key file); never a gap in what is enforced. */
  notes: string[];
}

/**
 * Why no document was generated: emitting one would look like it enforces the signer while it does not.
 * `cannotExpress` names each part of the expected signer the target has no way to check; `instead` says what does.
 */
export interface Refusal {
  ok: false;
  target: PolicyTarget;
  reason: string;
  cannotExpress: string[];
  instead: string[];
  /** Where the limitation is documented or implemented (file + version read). */
  sources: string[];
}

export type PolicyResult<T> = Generated<T> | Refusal;

/** One-paragraph text of a refusal, for logs and summaries. */
export function describeRefusal(r: Refusal): string {
  return [
    `${r.target}: ${r.reason}`,
    ...r.cannotExpress.map((c) => `  cannot express: ${c}`),
    ...r.instead.map((i) => `  instead: ${i}`),
    ...r.sources.map((s) => `  source: ${s}`),
  ].join('\n');
}
