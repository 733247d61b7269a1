import { mdCode, mdTable } from '../summary.ts';
import { shortDigest } from '../format.ts';
import type { VerifyStepResult } from './step.ts';

export function renderVerifySummary({ report, expected, policies }: VerifyStepResult): string {
  const yes = (b: boolean | undefined) => (b === undefined ? '–' : b ? 'yes' : '**no**');
  const rows = report.digests.map((d) => [
    d.platform ? `${d.kind} ${mdCode(d.platform)}` : d.kind,
    mdCode(shortDigest(d.digest)),
    d.verified ? 'verified' : `**failed**: ${d.reason ?? ''}`,
    d.identity ? mdCode(d.identity) : '–',
    d.issuer ?? '–',
    d.workflowRef ?? '–',
    d.attestations ? `provenance ${yes(d.attestations.provenance)}, SBOM ${yes(d.attestations.sbom)}` : '–',
  ]);
  return [
    `### verify: ${report.verified ? 'verified' : 'FAILED'}`,
    '',
    `${mdCode(report.image)} → ${mdCode(report.digest)}`,
    '',
    `Expected signer: ${expected}`,
    '',
    mdTable(['Manifest', 'Digest', 'Signature', 'Identity', 'Issuer', 'Workflow ref', 'Attestations'], rows),
    '',
    ...(report.problems.length > 0 ? ['**Problems**', '', ...report.problems.map((p) => `- ${p}`), ''] : []),
    ...(policies ? [policies.summary] : []),
  ].join('\n');
}
