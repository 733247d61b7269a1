/**
 * Script injection: a `${{ }}` inside run: is pasted into the shell script before it runs, so attacker-controlled
 * text there becomes code. Such values must go through env:, where the shell sees them as data.
 */

// Expressions in run: that are safe to interpolate (never attacker-controlled text).
const SAFE_IN_RUN = new Set([
  'github.sha', 'github.run_id', 'github.run_number', 'github.run_attempt', 'github.workspace', 'github.repository',
  'github.repository_id', 'github.repository_owner', 'github.repository_owner_id', 'github.server_url', 'github.api_url',
  'github.graphql_url', 'github.job', 'github.action_path', 'github.event_name', 'github.ref_type', 'github.retention_days',
  'github.workflow_sha', 'runner.os', 'runner.arch', 'runner.temp', 'runner.tool_cache', 'runner.name', 'runner.debug',
  'strategy.job-index', 'strategy.job-total', 'job.status',
]);

/** The `${{ }}` expressions of a run: script that may carry untrusted input, with a reason. */
export function untrustedExpressions(script: string): { expression: string; reason: string }[] {
  const found: { expression: string; reason: string }[] = [];
  for (const m of script.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    const expression = m[1]!.trim();
    // Strip string literals, then look at every context reference.
    const code = expression.replace(/'(?:[^']|'')*'/g, "''");
    const refs = [...code.matchAll(/\b([A-Za-z_][A-Za-z0-9_-]*(?:\s*(?:\.\s*[A-Za-z0-9_*-]+|\[[^\]]*\]))*)/g)].map((r) => r[1]!.replace(/\s+/g, ''));
    const contexts = refs.filter((r) => /^(github|inputs|env|vars|secrets|steps|needs|matrix|strategy|job|jobs|runner)\b/.test(r));
    let reason: string | undefined;
    for (const r of contexts) {
      if (/^github\.(event|head_ref|base_ref|ref_name|ref|actor|triggering_actor)\b/.test(r)) reason = `${r} is controlled by whoever triggered the run`;
      else if (/^inputs\b/.test(r)) reason = `${r} is controlled by the caller`;
      else if (/^(steps|needs|matrix|env|vars)\b/.test(r)) reason = `${r} may carry untrusted text`;
      else if (/^secrets\b/.test(r)) reason = `${r} would be written into the script`;
      else if (!SAFE_IN_RUN.has(r) && !/^runner\./.test(r)) reason = `${r} is not on the list of values safe to interpolate`;
      if (reason) break;
    }
    if (reason) found.push({ expression, reason });
  }
  return found;
}
