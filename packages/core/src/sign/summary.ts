import { mdCode, mdTable, shortDigest } from '../summary.ts';
import type { SignedEntry } from './run.ts';

export function renderSignSummary(entries: readonly SignedEntry[], cosignVersion: string, mode: string): string {
  const rows = entries.map((e) => [mdCode(e.image), mdCode(shortDigest(e.digest)), e.platform ? `${e.kind} ${mdCode(e.platform)}` : e.kind, e.status]);
  const signed = entries.filter((e) => e.status === 'signed').length;
  return [`### sign-recursive`, '', `${signed} signed, ${entries.length - signed} skipped (already signed by this signer) · cosign ${cosignVersion} · ${mode}`, '', mdTable(['Image', 'Digest', 'Kind', 'Status'], rows), ''].join('\n');
}
