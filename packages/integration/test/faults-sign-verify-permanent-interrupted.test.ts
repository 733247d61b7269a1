// The bundled sign-recursive against the test bed's registry through the fault proxy
// (packages/testkit/src/fault-proxy.ts): permanent errors fail fast without retry storms, and a SIGKILLed signing
// re-runs clean. Transient faults ridden out: faults-sign-verify-transient.test.ts.
//
// The sample legs are built and merged once for this file; each scenario signs its own copy of that graph (copied by
// digest), so signatures never leak from one scenario into another (support/sign-faults.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, registryTags, testbed } from '@moam/testkit';
import type { FaultRule } from '../../testkit/src/fault-proxy.ts';
import {
  COSIGN,
  DENIED,
  OUR_CLIENT,
  type SignedEntry,
  UNAUTHORIZED,
  allDigests,
  cosignProcessesFor,
  expectOneLayerEach,
  proxy,
  show,
  sigTag,
  signKey,
  signKeyless,
  signatures,
  startSignFaults,
  stopSignFaults,
  until,
  verifyKeyless,
} from './support/sign-faults.ts';
import { children, freshRepo, index } from './support/signing-sample.ts';

const tb = testbed();

beforeAll(startSignFaults);
afterAll(stopSignFaults);

describe('sign-recursive + verify through registry faults', () => {
  describe('permanent errors fail fast, without a retry storm', () => {
    async function refused(rules: FaultRule[]): Promise<{ run: ActionRun; repo: string }> {
      const repo = await freshRepo('sigfaults-perm');
      proxy.setRules(rules);
      proxy.clearRecords();
      const started = Date.now();
      const run = await signKey(`${proxy.host}/${repo}`);
      expect(run.exitCode, show(run)).toBe(1);
      // No backoff waits: well under the 1+2+4+8 s our retries would add, and cosign's own 1+3 s.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.stdout).not.toMatch(/transient registry failure/);
      expect((await registryTags(tb.registry, repo)).filter((t) => t.endsWith('.sig'))).toEqual([]);
      expect(run.outputs.signed).toBeUndefined();
      return { run, repo };
    }

    it('403 DENIED on the .sig manifest PUT: one PUT, the registry\'s code in the error', async () => {
      const rule: FaultRule = { name: '403', userAgent: COSIGN, method: 'PUT', path: /\.sig$/, fault: { kind: 'status', status: 403, body: DENIED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/^sign-recursive: \S*cosign sign failed \(exit 1\): .*PUT http:\/\/localhost:\d+\/v2\/.*\.sig: DENIED: requested access to the resource is denied$/m);
      expect(proxy.count('PUT', rule.path)).toBe(1);
    });

    it('401 UNAUTHORIZED on the .sig manifest PUT: one PUT, the registry\'s code in the error', async () => {
      const rule: FaultRule = { name: '401', userAgent: COSIGN, method: 'PUT', path: /\.sig$/, fault: { kind: 'status', status: 401, body: UNAUTHORIZED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/^sign-recursive: \S*cosign sign failed \(exit 1\): .*PUT http:\/\/localhost:\d+\/v2\/.*\.sig: UNAUTHORIZED: authentication required$/m);
      expect(proxy.count('PUT', rule.path)).toBe(1);
    });

    it('401 UNAUTHORIZED to our client reading the index: cosign never runs', async () => {
      const rule: FaultRule = { name: '401 client', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 401, body: UNAUTHORIZED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/GET manifest sha256:[0-9a-f]{64} failed: 401 UNAUTHORIZED \(authentication required\)\. Fix: .*docker login localhost:\d+/);
      expect(proxy.count('GET', rule.path)).toBe(1);
      expect(proxy.requests.filter((r) => COSIGN.test(r.userAgent))).toEqual([]);
    });
  });

  describe('an interrupted signing re-runs clean', () => {
    it('SIGKILL while cosign waits on a stalled .sig PUT, then a re-run without faults: every digest signed once, the signed ones skipped', async () => {
      const repo = await freshRepo('sigfaults-int');
      const image = `${proxy.host}/${repo}`;
      // Stall the PUT of the 3rd child's signature: the index and the first two children are signed by then.
      const target = children[2] as string;
      proxy.setRules([{ name: 'stall PUT .sig', userAgent: COSIGN, method: 'PUT', path: new RegExp(`/manifests/${sigTag(target).replace('.', '\\.')}$`), fault: { kind: 'stall', maxMs: 60_000 }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const stalled = proxy.waitFor((r) => r.fault?.kind === 'stall', 30_000);
      const killed = await signKeyless(image, { killAfterMs: 6_000 });
      expect(killed.exitCode, show(killed)).toBe(137);
      const stall = await stalled;
      expect(stall.endedAt, 'the PUT was still stalled when the action was killed').toBeUndefined();
      expect(killed.outputs.signed).toBeUndefined();

      // cosign runs in its own process group and outlives the killed action (see the report: on a cut connection it
      // retries the PUT and would go on signing). Refuse everything it asks from now on, then cut its stalled
      // connection, so it gives up instead of finishing the signing behind our back.
      expect(cosignProcessesFor(repo), 'the orphaned cosign').toHaveLength(1);
      proxy.setRules([{ name: 'deny the orphan', userAgent: COSIGN, path: /./, fault: { kind: 'status', status: 403, body: DENIED } }]);
      expect(proxy.releaseStalls()).toBe(1);
      await until('the orphaned cosign to exit', () => cosignProcessesFor(repo).length === 0, 30_000);
      await proxy.settle(500, 30_000);
      expect(proxy.requests.filter((r) => r.seq > stall.seq && r.status !== undefined && r.status < 400)).toEqual([]);
      const partial = await signatures(repo, image);
      expectOneLayerEach(partial, [index, children[0] as string, children[1] as string]);

      proxy.setRules([]);
      proxy.clearRecords();
      const rerun = await signKeyless(image);
      expect(rerun.exitCode, show(rerun)).toBe(0);
      expect(rerun.stdout).toMatch(/3 of 5 digests already carry a valid signature from this signer; skipping them/);
      const statuses = Object.fromEntries((JSON.parse(rerun.outputs.signed as string) as SignedEntry[]).map((e) => [e.digest, e.status]));
      expect(statuses).toEqual({ [index]: 'skipped', [children[0] as string]: 'skipped', [children[1] as string]: 'skipped', [children[2] as string]: 'signed', [children[3] as string]: 'signed' });
      expect(rerun.summary).toMatch(/2 signed, 3 skipped/);
      expectOneLayerEach(await signatures(repo, image), allDigests());

      const verified = await verifyKeyless(`${image}:1.0.0`);
      expect(verified.exitCode, show(verified)).toBe(0);
    });
  });
});
