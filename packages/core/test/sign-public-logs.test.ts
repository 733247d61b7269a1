import { describe, expect, it } from 'vitest';
import { refusePublicLogs } from '../src/sign/public-logs.ts';

const base = { keyless: true, tlogUpload: true, trust: {}, privateRepository: false, repository: 'o/secret' };

describe('a private repository is not published to the public Sigstore logs without opting in', () => {
  it.each<[string, Partial<typeof base> & { visibility?: string; trust?: Record<string, string> }, RegExp | undefined]>([
    ['a public repository', { visibility: 'public' }, undefined],
    ['unknown visibility', {}, undefined],
    ['private, public Fulcio and Rekor', { visibility: 'private' }, /o\/secret is private, .* in Fulcio's public certificate transparency log .* and in the public Rekor transparency log/],
    ['internal', { visibility: 'internal' }, /is internal/],
    ['private, tlog off: the CT log still has the certificate', { visibility: 'private', tlogUpload: false }, /Fulcio's public certificate transparency log \(every certificate it issues\), permanently/],
    ['private, own Fulcio, public Rekor', { visibility: 'private', trust: { fulcioUrl: 'https://fulcio.internal' } }, /in the public Rekor transparency log/],
    ['private, own Fulcio and Rekor', { visibility: 'private', trust: { fulcioUrl: 'https://fulcio.internal', rekorUrl: 'https://rekor.internal' } }, undefined],
    ['private, own Fulcio, tlog off', { visibility: 'private', tlogUpload: false, trust: { fulcioUrl: 'https://fulcio.internal' } }, undefined],
    ['private, the public URLs spelled out', { visibility: 'private', trust: { fulcioUrl: 'https://fulcio.sigstore.dev/', rekorUrl: 'https://rekor.sigstore.dev' } }, /Fulcio's public/],
    ['private, opted in', { visibility: 'private', privateRepository: true }, undefined],
    ['private, key-based', { visibility: 'private', keyless: false }, undefined],
  ])('%s', (_name, over, why) => {
    const refused = refusePublicLogs({ ...base, ...over });
    if (!why) return expect(refused).toBeUndefined();
    expect(refused?.message).toMatch(why);
    expect(refused?.message).toMatch(/^Input "private-repository": .*nothing was signed\. Fix: set private-repository: true to accept that, or sign with your own Sigstore/);
  });
});
