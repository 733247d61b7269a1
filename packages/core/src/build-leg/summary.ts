import { formatPlatform } from '../platform.ts';
import { byDigest } from '../image.ts';
import { mdCode, mdTable } from '../summary.ts';
import { formatDuration } from '../format.ts';
import type { BuildStepResult } from './step.ts';

export function renderBuildSummary(result: BuildStepResult): string {
  const { inputs } = result;
  const platform = formatPlatform(inputs.platform);
  const rows: string[][] = [
    ['Platform', mdCode(platform)],
    ['Digest', mdCode(result.digest)],
    ['Pushed', result.pushed ? `yes, by digest (no tag) to ${inputs.images.length} image name${inputs.images.length === 1 ? '' : 's'}` : 'no (push: false)'],
    ['Provenance', result.attestations.provenance ? `yes (${inputs.provenance})` : 'no'],
    ['SBOM', result.attestations.sbom ? `yes${inputs.sbomGenerator ? ` (generator ${mdCode(inputs.sbomGenerator)})` : ''}` : 'no'],
    ...(result.attestationForm ? [['Attestation manifest', result.attestationForm]] : []),
    ['Builder', `${result.builder.name} (${result.builder.driver} driver, buildx ${result.builder.buildxVersion})`],
    ['Digest artifact', result.artifact ? mdCode(result.artifact) : 'none'],
    ['Duration', formatDuration(result.durationMs)],
  ];
  const refs = result.pushed ? ['', ...inputs.images.map((i) => `- ${mdCode(byDigest(i, result.digest))}`)] : [];
  return [`### build-by-digest: ${platform}`, '', mdTable(['', ''], rows), ...refs, ''].join('\n');
}
