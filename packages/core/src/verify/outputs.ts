import type { VerifyInputs } from './inputs.ts';
import type { VerifyStepResult } from './step.ts';

/** The expected signer in one line, for the log and the summary. */
export function expectedSignerText(inputs: VerifyInputs): string {
  if (inputs.key) return 'the given public key';
  const caller = [inputs.repository ? `repository ${inputs.repository}` : '', inputs.sourceRef ? `source ref ${inputs.sourceRef}` : '', inputs.trigger ? `trigger ${inputs.trigger}` : ''].filter(Boolean).join(', ');
  return `identity ${inputs.identity ?? inputs.identityRegexp}, issuer ${inputs.issuer}${caller ? `, ${caller}` : ''}`;
}

export function verifyOutputs({ report, policies }: VerifyStepResult): Record<string, string> {
  return { digest: report.digest, verified: String(report.verified), report: JSON.stringify(report), 'policies-dir': policies?.dir ?? '' };
}

/** The step's failure, listing every failing digest; undefined when verified. */
export function verifyFailure({ report }: Pick<VerifyStepResult, 'report'>): string | undefined {
  return report.verified ? undefined : `${report.image} (${report.digest}) failed verification:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`;
}
