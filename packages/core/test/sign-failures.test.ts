import { describe, expect, it } from 'vitest';
import { isTransientSignFailure, signFailureAsInputError, signFailureSource } from '../src/sign/failures.ts';

const REF = 'localhost:5000/moam/app@sha256:2e36f5b0089e53f38aa1f9a1ae5795bf030b410e0a66c48dafba3e36139155e8';

// cosign 2.5 error chains ("signing [REF]: getting signer: …"), as its last error line shows them.
describe('cosign sign failures', () => {
  it.each<[string, string, ReturnType<typeof signFailureSource>, boolean]>([
    ['Fulcio nobody listens on', `signing [${REF}]: getting signer: getting key from Fulcio: retrieving cert: POST http://127.0.0.1:1/api/v2/signingCert: dial tcp 127.0.0.1:1: connect: connection refused`, 'fulcio', false],
    ['Fulcio answers 503', `signing [${REF}]: getting signer: getting key from Fulcio: retrieving cert: POST https://fulcio.example/api/v2/signingCert: 503 Service Unavailable`, 'fulcio', true],
    ['Fulcio host unknown', `signing [${REF}]: getting signer: getting key from Fulcio: retrieving cert: dial tcp: lookup fulcio.invalid: no such host`, 'fulcio', false],
    ['Rekor refuses the entry', `signing [${REF}]: signing digest: uploading to tlog: POST http://127.0.0.1:2/api/v1/log/entries: connection refused`, 'rekor', false],
    ['Rekor times out', `signing [${REF}]: signing digest: rekor: context deadline exceeded`, 'rekor', true],
    ['a wrong key password', `signing [${REF}]: getting signer: reading key: decrypt: encrypted: decryption failed`, 'key', false],
    ['registry 503 on the .sig PUT', `signing [${REF}]: PUT http://localhost:5000/v2/moam/app/manifests/sha256-2e36.sig: unexpected status code 503 Service Unavailable`, 'registry', true],
    ['registry DENIED', `signing [${REF}]: PUT http://localhost:5000/v2/moam/app/manifests/sha256-2e36.sig: DENIED: requested access to the resource is denied`, 'registry', false],
    ['a repository called "rekor" or "fulcio" is still the registry', `signing [localhost:5000/fulcio/rekor@sha256:2e36]: PUT http://localhost:5000/v2/fulcio/rekor/manifests/sha256-2e36.sig: DENIED: denied`, 'registry', false],
  ])('%s', (_name, line, source, transient) => {
    expect(signFailureSource(line)).toBe(source);
    expect(isTransientSignFailure(line)).toBe(transient);
  });

  it('names the input behind a permanent Sigstore or key failure', () => {
    const fulcio = 'getting signer: getting key from Fulcio: retrieving cert: dial tcp 127.0.0.1:1: connect: connection refused';
    expect(signFailureAsInputError(fulcio, { fulcioUrl: 'http://127.0.0.1:1', keyless: true })?.message).toMatch(/^Input "fulcio-url": Fulcio at http:\/\/127\.0\.0\.1:1 refused .*connection refused.*\. Fix: /);
    expect(signFailureAsInputError(fulcio, { keyless: true })?.message).toMatch(/^Input "keyless": the public Fulcio .* Fix: allow fulcio\.sigstore\.dev/);
    expect(signFailureAsInputError('signing digest: uploading to tlog: connection refused', { rekorUrl: 'http://r', keyless: true })?.message).toMatch(/^Input "rekor-url"/);
    expect(signFailureAsInputError('signing digest: uploading to tlog: connection refused', { keyless: true })?.message).toMatch(/^Input "tlog-upload".*Fix: .*tlog-upload: false/);
    expect(signFailureAsInputError('getting signer: reading key: decrypt: encrypted: decryption failed', { keyless: false })?.message).toMatch(/^Input "key": cosign cannot read the key/);
    expect(signFailureAsInputError('PUT …: DENIED: denied', { keyless: false })).toBeUndefined();
  });
});
