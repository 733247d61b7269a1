import { mdBlock, mdCode, mdTable } from '../summary.ts';
import { formatBytes, shortDigest } from '../format.ts';
import type { MergeResult } from './run.ts';
import type { TagOutcome } from './publish.ts';
import type { CurrentTag } from './tag-decisions.ts';

const STATUS: Record<TagOutcome['status'], string> = {
  planned: 'would be pushed',
  created: 'created',
  moved: 'moved',
  unchanged: 'unchanged',
  skipped: '**left on a newer release**',
  'moved-on': 'moved on by a newer run',
  lost: '**taken by another run**',
  'not-pushed': '**not pushed**',
};

function where(t: CurrentTag | undefined): string {
  return t ? `${mdCode(shortDigest(t.digest))}${t.version ? ` (${t.version})` : ''}` : '–';
}

export function renderMergeSummary(result: MergeResult): string {
  const rows = result.entries.map((e) => [mdCode(e.platform), mdCode(shortDigest(e.digest)), formatBytes(e.size), e.attestation ? `yes (${mdCode(shortDigest(e.attestation.digest))})` : 'none']);
  const tagRows = result.tags.map((t) => [mdCode(t.image), mdCode(t.tag), t.role, where(t.before), where(t.now), `${STATUS[t.status]}${t.note ? ` (${t.note})` : ''}`]);
  const title = result.dryRun ? '### merge-manifest (dry run: nothing pushed)' : result.failure ? '### merge-manifest: FAILED after publishing' : '### merge-manifest';
  const first = result.images[0] ?? '';
  const tag = result.tags.find((t) => t.image === first && (t.status === 'created' || t.status === 'moved' || t.status === 'unchanged' || t.status === 'planned'))?.tag;
  const pulls = result.digest ? [`docker pull ${first}@${result.digest}`, ...(tag ? result.entries.map((e) => `docker pull --platform ${e.platform} ${first}:${tag}`) : [])] : [];
  return [
    title,
    '',
    `**Version** ${mdCode(result.plan.version)} (${result.plan.kind}) · **Tags** ${result.plan.tags.map(mdCode).join(', ')}`,
    '',
    result.digest ? `**Index digest** ${mdCode(result.digest)}` : '',
    '',
    ...(result.failure ? ['**Failure**', '', mdBlock('text', result.failure), ''] : []),
    mdTable(['Platform', 'Manifest digest', 'Size', 'Attestations'], rows),
    '',
    ...(tagRows.length > 0 ? [mdTable(['Image', 'Tag', 'Kind', 'Before', 'Now', 'This run'], tagRows), ''] : []),
    ...(result.warnings.length > 0 ? ['**Warnings**', '', ...result.warnings.map((w) => `- ${w}`), ''] : []),
    pulls.length > 0 ? mdBlock('bash', pulls.join('\n')) : '',
  ]
    .filter((s, i, all) => s !== '' || (all[i - 1] ?? '') !== '')
    .join('\n')
    .concat('\n');
}
