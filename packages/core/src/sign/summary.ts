import { mdCode, mdTable } from '../summary.ts';
import { shortDigest } from '../format.ts';
import type { SignStepResult } from './step.ts';

export function renderSignSummary({ entries, cosignVersion, signer }: SignStepResult): string {
  const mode = signer.kind === 'keyless' ? `keyless (${signer.identity})` : 'key';
  const rows = entries.map((e) => [mdCode(e.image), mdCode(shortDigest(e.digest)), e.platform ? `${e.kind} ${mdCode(e.platform)}` : e.kind, e.status]);
  const signed = entries.filter((e) => e.status === 'signed').length;
  const duplicated = entries.filter((e) => (e.signatures ?? 0) > 1);
  return [
    `### sign-recursive`,
    '',
    `${signed} signed, ${entries.length - signed} skipped (already signed by this signer) · cosign ${cosignVersion} · ${mode}`,
    '',
    mdTable(['Image', 'Digest', 'Kind', 'Status'], rows),
    '',
    ...(duplicated.length > 0
      ? [`**Warning:** ${duplicated.map((e) => `${mdCode(shortDigest(e.digest))} (${e.signatures} signatures)`).join(', ')} now carry more than one signature from this signer: another run signed them at the same moment. Verification is not affected; keep releases of one image from running concurrently.`, '']
      : []),
  ].join('\n');
}
