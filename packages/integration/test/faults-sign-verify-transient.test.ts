// The bundled sign-recursive and verify against the test bed's registry through the fault proxy
// (packages/testkit/src/fault-proxy.ts): transient faults in our registry client and in cosign are ridden out and
// leave exactly the signatures a fault-free run leaves (the same .sig tags, one signature layer each, the same
// signed payloads), key-based and keyless. Permanent errors and a killed signing: faults-sign-verify-permanent-interrupted.test.ts.
//
// The sample legs are built and merged once for this file; each scenario signs its own copy of that graph (copied by
// digest), so signatures never leak from one scenario into another (support/sign-faults.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRun } from '@moam/testkit';
import { type FaultRule, registryErrorBody } from '../../testkit/src/fault-proxy.ts';
import {
  COSIGN,
  OUR_CLIENT,
  allDigests,
  expectOneLayerEach,
  proxy,
  shape,
  show,
  sigTag,
  signCalls,
  signKey,
  signKeyless,
  signatures,
  signedOutput,
  startSignFaults,
  stopSignFaults,
  verifyKey,
  verifyKeyless,
} from './support/sign-faults.ts';
import { children, freshRepo, fulcio, index, platformDigests } from './support/signing-sample.ts';

beforeAll(startSignFaults);
afterAll(stopSignFaults);

describe('sign-recursive + verify through registry faults', () => {
  let reference: { repo: string; run: ActionRun; shape: Record<string, string[]> } | undefined;
  let faulted = '';

  it('reference: a fault-free key-based signing of the sample signs the 5 digests once each', async () => {
    const repo = await freshRepo('sigfaults-ref');
    const image = `${proxy.host}/${repo}`;
    proxy.setRules([]);
    const run = await signKey(image);
    expect(run.exitCode, show(run)).toBe(0);
    const sigs = await signatures(repo, image);
    expectOneLayerEach(sigs, allDigests());
    expect(signedOutput(run).every((s) => s.endsWith(':signed'))).toBe(true);
    reference = { repo, run, shape: shape(sigs) };
  });

  it('sign (key) rides out 503/429/500 answers and resets mid-body in our client and in cosign: the same signatures, one layer each', async () => {
    expect(reference, 'needs the reference run').toBeDefined();
    const ref = reference as NonNullable<typeof reference>;
    faulted = await freshRepo('sigfaults-key');
    const image = `${proxy.host}/${faulted}`;
    const rules: FaultRule[] = [
      // Our registry client: the index it reads to list the targets, and the tag list it checks for .sig tags.
      { name: 'client GET index reset mid-body', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } },
      { name: 'client GET tags 503', userAgent: OUR_CLIENT, method: 'GET', path: /\/tags\/list/, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { first: 1 } },
      // cosign (go-containerregistry retries these itself).
      { name: 'cosign HEAD blob 503', userAgent: COSIGN, method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 503 }, schedule: { first: 1 } },
      { name: 'cosign POST upload 429', userAgent: COSIGN, method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { first: 1 } },
      { name: 'cosign PUT .sig 500', userAgent: COSIGN, method: 'PUT', path: /\/manifests\/sha256-[0-9a-f]{64}\.sig$/, fault: { kind: 'status', status: 500 }, schedule: { nth: [1] } },
      // cosign reads the 2nd child manifest and the connection drops mid-body: cosign fails ("unexpected EOF") after
      // having signed the index and the 1st child; our transient retry must re-check and sign only the rest.
      { name: 'cosign GET manifest reset mid-body', userAgent: COSIGN, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { nth: [3] } },
    ];
    proxy.setRules(rules);
    proxy.clearRecords();
    const run = await signKey(image);
    expect(run.exitCode, show(run)).toBe(0);
    for (const rule of rules) expect(proxy.faultsFor(rule.name).length, rule.name).toBe(1);
    expect(run.stdout).toMatch(/::warning::cosign sign .*: transient registry failure \(.*unexpected EOF.*\); retry 1\/4/);
    // The retry asked again what was signed, and signed only the 3 digests the first attempt had not reached.
    expect(signCalls(run)).toEqual([`${index} --recursive`, ...children.slice(1)]);

    // Exactly what the fault-free run left: the same .sig tags, one layer each, the same signed payloads.
    const sigs = await signatures(faulted, image);
    expectOneLayerEach(sigs, allDigests());
    expect(shape(sigs)).toEqual(ref.shape);
    expect(signedOutput(run)).toEqual(signedOutput(ref.run));
    // Every .sig manifest PUT succeeded once: nothing was written twice.
    expect(proxy.requests.filter((r) => r.method === 'PUT' && /\.sig$/.test(r.path) && r.status === 201).length).toBe(5);
  });

  it('verify (key, insecure-ignore-tlog) rides out 429/503 answers and resets mid-body in our client and 503/502/500 answers to cosign', async () => {
    expect(faulted, 'needs the faulted signing').not.toBe('');
    const sigPath = (d: string) => new RegExp(`/manifests/${sigTag(d).replace('.', '\\.')}$`);
    const rules: FaultRule[] = [
      { name: 'client HEAD tag 429', userAgent: OUR_CLIENT, method: 'HEAD', path: /\/manifests\/1\.0\.0$/, fault: { kind: 'status', status: 429, retryAfter: 1 }, schedule: { first: 1 } },
      { name: 'client GET manifest 503', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { nth: [1] } },
      { name: 'client GET manifest reset mid-body', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { nth: [2, 4] } },
      // One fault on each of the three .sig manifests cosign reads (go-containerregistry retries them).
      { name: 'cosign GET index .sig 503', userAgent: COSIGN, method: 'GET', path: sigPath(index), fault: { kind: 'status', status: 503 }, schedule: { first: 1 } },
      { name: 'cosign GET amd64 .sig 502', userAgent: COSIGN, method: 'GET', path: sigPath(platformDigests[0] as string), fault: { kind: 'status', status: 502 }, schedule: { first: 1 } },
      { name: 'cosign GET arm64 .sig 500', userAgent: COSIGN, method: 'GET', path: sigPath(platformDigests[1] as string), fault: { kind: 'status', status: 500 }, schedule: { first: 1 } },
    ];
    proxy.setRules(rules);
    proxy.clearRecords();
    const run = await verifyKey(`${proxy.host}/${faulted}:1.0.0`);
    expect(run.exitCode, show(run)).toBe(0);
    for (const rule of rules) expect(proxy.faultsFor(rule.name).length, rule.name).toBeGreaterThanOrEqual(1);
    expect(proxy.faults.length).toBeGreaterThanOrEqual(6);
    expect(run.outputs.verified).toBe('true');
    expect(run.outputs.digest).toBe(index);
    const report = JSON.parse(run.outputs.report as string) as { digests: Array<{ kind: string; verified: boolean }> };
    expect(report.digests.map((d) => `${d.kind}:${d.verified}`)).toEqual(['index:true', 'platform:true', 'platform:true']);
  });

  // Found by this test: cosign verify was never retried, so a registry hiccup cosign did not cure was reported as a
  // signature problem (a cut signature-layer read even as "no-match"). Now retried (cosign/verify-run.ts).
  it.each<[string, FaultRule]>([
    ['a reset mid-body on the index .sig manifest GET', { name: 'reset .sig', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'reset' }, schedule: { first: 1 } }],
    ['one 429 with Retry-After on a .sig manifest GET', { name: '429 .sig', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { first: 1 } }],
    ['a reset mid-body on a signature layer GET (never a "no-match")', { name: 'reset blob', userAgent: COSIGN, method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } }],
  ])('verify rides out %s', async (_name, rule) => {
    expect(faulted, 'needs the faulted signing').not.toBe('');
    proxy.setRules([rule]);
    proxy.clearRecords();
    const run = await verifyKey(`${proxy.host}/${faulted}:1.0.0`);
    expect(proxy.faults).toHaveLength(1);
    expect(run.errors.join('\n')).not.toMatch(/no-match/);
    expect(run.exitCode, show(run)).toBe(0);
  });

  describe('keyless (Fulcio and OIDC stand-ins)', () => {
    let keylessRepo = '';

    it('a cosign sign --recursive that fails partway (503s beyond cosign\'s own retries) is retried without a second signature layer', async () => {
      keylessRepo = await freshRepo('sigfaults-keyless');
      const image = `${proxy.host}/${keylessRepo}`;
      // go-containerregistry tries a PUT 3 times; 3 answers of 503 on the 3rd child's .sig make cosign give up after
      // the index and two children are signed (an ephemeral key per cosign run: cosign's own duplicate detection
      // cannot recognise the earlier signatures).
      const target = children[2] as string;
      const rule: FaultRule = { name: 'PUT .sig 503 x3', userAgent: COSIGN, method: 'PUT', path: new RegExp(`/manifests/${sigTag(target).replace('.', '\\.')}$`), fault: { kind: 'status', status: 503 }, schedule: { first: 3 } };
      proxy.setRules([rule]);
      proxy.clearRecords();
      const run = await signKeyless(image);
      expect(run.exitCode, show(run)).toBe(0);
      expect(proxy.faultsFor(rule.name)).toHaveLength(3);
      expect(run.stdout).toMatch(/transient registry failure .*503.*; retry 1\/4/);
      expect(signCalls(run)).toEqual([`${index} --recursive`, ...children.slice(2)]);
      expect(fulcio.issued.length).toBeGreaterThanOrEqual(2);

      const sigs = await signatures(keylessRepo, image);
      expectOneLayerEach(sigs, allDigests());
      expect(signedOutput(run).every((s) => s.endsWith(':signed'))).toBe(true);
      for (const s of Object.values(sigs)) expect(s.layers[0]?.annotations).toEqual(['dev.cosignproject.cosign/signature', 'dev.sigstore.cosign/certificate', 'dev.sigstore.cosign/chain']);

      const verified = await verifyKeyless(`${proxy.host}/${keylessRepo}:1.0.0`);
      expect(verified.exitCode, show(verified)).toBe(0);
    });

    // Found by this test: the first check for existing signatures ran outside the retries.
    it('a re-run rides out a reset mid-body on a .sig GET while checking existing signatures', async () => {
      expect(keylessRepo).not.toBe('');
      proxy.setRules([{ name: 'cosign GET .sig reset', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'reset' }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const run = await signKeyless(`${proxy.host}/${keylessRepo}`);
      expect(proxy.faults).toHaveLength(1);
      expect(run.exitCode, show(run)).toBe(0);
    });

    // Found by this test: a cut check ("no matching signatures: unexpected EOF") was read as "unsigned" and the
    // digest signed a second time. A check cut by the registry is now retried, never read as unsigned.
    it('a re-run with a reset mid-body on a signature layer GET adds no second signature layer', async () => {
      expect(keylessRepo).not.toBe('');
      const image = `${proxy.host}/${keylessRepo}`;
      proxy.setRules([{ name: 'cosign GET blob reset', userAgent: COSIGN, method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const run = await signKeyless(image);
      expect(proxy.faults).toHaveLength(1);
      expectOneLayerEach(await signatures(keylessRepo, image), allDigests());
      expect(run.exitCode, show(run)).toBe(0);
    });
  });
});
