import { formatBytes, mdBlock, mdCode, mdTable, shortDigest } from '../summary.ts';
import type { MergeResult } from './run.ts';

export function renderMergeSummary(result: MergeResult, images: readonly string[]): string {
  const rows = result.entries.map((e) => [mdCode(e.platform), mdCode(shortDigest(e.digest)), formatBytes(e.size), e.attestation ? `yes (${mdCode(shortDigest(e.attestation.digest))})` : 'none']);
  const title = result.dryRun ? '### merge-manifest (dry run: nothing pushed)' : '### merge-manifest';
  const first = images[0] ?? '';
  return [
    title,
    '',
    `**Version** ${mdCode(result.plan.version)} (${result.plan.kind}) · **Tags** ${result.plan.tags.map(mdCode).join(', ')}`,
    '',
    result.digest ? `**Index digest** ${mdCode(result.digest)}` : '',
    '',
    mdTable(['Platform', 'Manifest digest', 'Size', 'Attestations'], rows),
    '',
    result.digest ? mdBlock('bash', `docker pull ${first}@${result.digest}\ndocker pull --platform linux/arm64 ${first}:${result.plan.tags[0] ?? ''}`) : '',
  ]
    .filter((s, i, all) => s !== '' || (all[i - 1] ?? '') !== '')
    .join('\n')
    .concat('\n');
}
