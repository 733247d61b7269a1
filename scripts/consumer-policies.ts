// Consumer policies without a registry: what the verify action's `policies` input writes after verifying, from the
// same inputs (same names, same checks), for a platform team writing policy before the first release.
//
//   npx tsx scripts/consumer-policies.ts --image ghcr.io/octo-org/app --repository octo-org/app \
//     --workflow-repository moam-project/multi-arch-of-madness --workflow .github/workflows/multi-arch.yml \
//     --ref-pattern any --source-ref refs/tags/v1.2.3 --trigger push --policies all --policies-dir ./policies
//
// Every verify input is accepted as --<name> <value>. cosign commands need the index digest (--digest sha256:...).
import { envInputs, parseDigest, parsePolicyKinds, readVerifyInputs, writeConsumerPolicies, type VerifyReport } from '@moam/core';

const args = process.argv.slice(2);
const values: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (!a.startsWith('--') || i + 1 >= args.length) {
    console.error(`usage: consumer-policies.ts --<verify input> <value> ... (got "${a}")`);
    process.exit(2);
  }
  values[a.slice(2)] = args[++i] as string;
}
const env = Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
try {
  const inputs = readVerifyInputs(envInputs(env), process.env);
  const kinds = parsePolicyKinds(values.policies ?? 'all');
  const digest = values.digest ? parseDigest(values.digest, 'digest') : undefined;
  const chosen = digest ? kinds : kinds.filter((k) => k !== 'cosign');
  const report: VerifyReport = { image: inputs.image.image.name, digest: digest ?? ('sha256:' + '0'.repeat(64)) as VerifyReport['digest'], verified: true, digests: [], problems: [] };
  const dir = values['policies-dir'] ?? 'consumer-policies';
  const written = await writeConsumerPolicies(chosen, inputs, report, dir);
  console.log(`wrote ${written.files.map((f) => `${dir}/${f}`).join(', ') || 'nothing'}`);
  if (kinds.includes('cosign') && !digest) console.log('cosign commands: give --digest sha256:<index digest> (they verify an image by digest)');
  for (const r of written.refusals) console.log(`\nnot generated:\n${r}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
