/**
 * Pinning and self-reference: a `uses:` must name immutable code. Someone else's action by full commit SHA (with the
 * version as a comment, the only readable part of a pin), an image by digest, and our own code as the commit that
 * is running, never by a ref of our repository that can move.
 */
import type { Finding } from './findings.ts';
import { classifyUses } from './uses-ref.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** `uses: x@<sha> # v1.2.3` somewhere in the source. */
function hasVersionComment(source: string, uses: string): boolean {
  const escaped = uses.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`uses:\\s*(['"]?)${escaped}\\1\\s+#\\s*v?\\d+(\\.\\d+)*\\b`);
  return source.split('\n').some((line) => re.test(line));
}

/** The pinning finding for one `uses:` of a job (`source` is the whole workflow, where the version comment is). */
export function checkPin(file: string, source: string, uses: string, jobId: string): Finding | undefined {
  const ref = classifyUses(uses);
  const finding = (rule: Finding['rule'], message: string): Finding => ({ file, job: jobId, rule, message });
  if (ref.kind === 'own-action' || ref.kind === 'own-workflow') {
    const self = ref.kind === 'own-action' ? `$/actions/${ref.name}` : `./${ref.path}`;
    return finding('self-reference', `${uses} runs our own code at a ref that moves (or another commit than the one running): use ${self}, which resolves to this workflow's repository at the running commit`);
  }
  if (ref.kind === 'self-other') return finding('self-reference', `${uses} is not one of our actions ($/actions/<name>)`);
  if (ref.kind === 'docker') return /@sha256:[0-9a-f]{64}$/.test(ref.raw) ? undefined : finding('pin-sha', `${uses} is not pinned to an image digest`);
  if (ref.kind !== 'third-party') return undefined;
  if (!FULL_SHA.test(ref.ref)) return finding('pin-sha', `${uses} is not pinned to a full 40-character commit SHA`);
  if (!hasVersionComment(source, uses)) return finding('pin-comment', `${uses} has no trailing "# vX.Y.Z" comment naming the version`);
  return undefined;
}
