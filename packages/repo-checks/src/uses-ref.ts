/** What a `uses:` value points at: one of our actions or workflows (and how it is named), or someone else's. */

export const REPOSITORY = 'moam-project/multi-arch-of-madness';

export type UsesRef =
  | { kind: 'local-action'; name: string; raw: string }
  /** `$/actions/<name>`: GitHub's self-repository syntax, our own action at the commit that is running. */
  | { kind: 'self-action'; name: string; raw: string }
  | { kind: 'self-other'; raw: string }
  | { kind: 'own-action'; name: string; ref: string; raw: string }
  | { kind: 'local-workflow'; path: string; raw: string }
  | { kind: 'own-workflow'; path: string; ref: string; raw: string }
  | { kind: 'docker'; raw: string }
  | { kind: 'third-party'; target: string; ref: string; raw: string }
  | { kind: 'other-local'; raw: string };

export type OurActionRef = Extract<UsesRef, { kind: 'local-action' | 'own-action' | 'self-action' }>;
export type OurWorkflowRef = Extract<UsesRef, { kind: 'local-workflow' | 'own-workflow' }>;

export function classifyUses(raw: string): UsesRef {
  const v = raw.trim();
  let m = /^\.\/actions\/([A-Za-z0-9._-]+)\/?$/.exec(v);
  if (m) return { kind: 'local-action', name: m[1]!, raw: v };
  m = /^\$\/actions\/([A-Za-z0-9._-]+)\/?$/.exec(v);
  if (m) return { kind: 'self-action', name: m[1]!, raw: v };
  if (v.startsWith('$/')) return { kind: 'self-other', raw: v };
  m = /^\.\/(\.github\/workflows\/[^@]+\.ya?ml)$/.exec(v);
  if (m) return { kind: 'local-workflow', path: m[1]!, raw: v };
  if (v.startsWith('./')) return { kind: 'other-local', raw: v };
  if (v.startsWith('docker://')) return { kind: 'docker', raw: v };
  const own = `${REPOSITORY}/`;
  if (v.toLowerCase().startsWith(own)) {
    const rest = v.slice(own.length);
    const at = rest.lastIndexOf('@');
    const path = at >= 0 ? rest.slice(0, at) : rest;
    const ref = at >= 0 ? rest.slice(at + 1) : '';
    m = /^actions\/([A-Za-z0-9._-]+)$/.exec(path);
    if (m) return { kind: 'own-action', name: m[1]!, ref, raw: v };
    if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return { kind: 'own-workflow', path, ref, raw: v };
  }
  const at = v.lastIndexOf('@');
  return { kind: 'third-party', target: at >= 0 ? v.slice(0, at) : v, ref: at >= 0 ? v.slice(at + 1) : '', raw: v };
}

/** One of our actions, however it is named; undefined for anything else (a string that is not a uses: included). */
export function ourAction(uses: string | undefined): OurActionRef | undefined {
  if (!uses) return undefined;
  const ref = classifyUses(uses);
  return ref.kind === 'local-action' || ref.kind === 'own-action' || ref.kind === 'self-action' ? ref : undefined;
}

/** One of our reusable workflows, however it is named; undefined for anything else. */
export function ourWorkflow(uses: string | undefined): OurWorkflowRef | undefined {
  if (!uses) return undefined;
  const ref = classifyUses(uses);
  return ref.kind === 'local-workflow' || ref.kind === 'own-workflow' ? ref : undefined;
}
