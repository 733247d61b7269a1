// The sample app's release on this machine, offline, as GitHub runs it: release.yml -> multi-arch.yml executed as
// written (the workflow files are the one definition of the pipeline), both legs in parallel (arm64 under qemu),
// the digests handed over as artifacts, merge, keyless signing with the transparency log on, verify.
// Usage: npx tsx scripts/local-release.ts [version]   (default 0.0.1-rc1; the pushed tag is sample-app/v<version>)
import { runLocalRelease, startReleaseServices, testbed } from '@moam/testkit';

const version = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '0.0.1-rc1';
const tb = testbed();
const image = process.env.MOAM_IMAGE ?? `${tb.registry}/moam/sample-app`;
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

console.log(`${bold('Local release')} of ${image}: tag sample-app/v${version} pushed, .github/workflows/release.yml -> multi-arch.yml run as written`);
console.log('Stand-ins for what is unreachable offline: GitHub artifacts and OIDC, Fulcio, Rekor, the cosign download.\n');
const services = await startReleaseServices();
try {
  const run = await runLocalRelease({ version, image, services, log: (line) => console.log(line) });
  for (const job of Object.values(run.jobs).filter((j) => j.kind !== 'call')) {
    const summary = job.steps.map((s) => s.summary.trim()).filter(Boolean).join('\n\n');
    if (summary) console.log(`\n${bold(`== ${job.key}: ${job.status}`)}\n${summary}`);
  }
  if (!run.ok) {
    console.error(`\n${bold('FAILED')}\n${run.failures.join('\n')}`);
    process.exitCode = 1;
  } else {
    const out = run.workflowOutputs.release ?? {};
    console.log(`\n${bold('Released')} ${image}:${(out.tags ?? '').split(',').join(`, ${image}:`)}`);
    console.log(`${bold('Index digest')} ${out.digest}`);
    console.log(`${bold('Signed by')} ${out['signer-identity']} (${services.rekor.entries.length} transparency log entries)`);
    console.log(`${bold('Verified')} by the workflow's own verify job, the log entry included`);
  }
} finally {
  await services.close();
}
