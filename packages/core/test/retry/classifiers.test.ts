import { describe, expect, it } from 'vitest';
import type { VerifyOutcome } from '../../src/cosign/outcome.ts';
import { HttpStatusError } from '../../src/cosign/install.ts';
import { type HttpFailure, type ToolTarget, type Verdict, classifyDownloadFailure, classifyHttpFailure, classifyToolLine, classifyVerifyOutcome } from '../../src/retry/index.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const retry = (why: string, delayMs?: number): Verdict => (delayMs === undefined ? { retry: true, why } : { retry: true, why, delayMs });
const final = (why: string): Verdict => ({ retry: false, why });

describe('classifyHttpFailure: registry answers and connection errors', () => {
  it.each<{ name: string; failure: HttpFailure; verdict: Verdict }>([
    { name: '408', failure: { status: 408 }, verdict: retry('HTTP 408') },
    { name: '429 without Retry-After', failure: { status: 429 }, verdict: retry('HTTP 429') },
    { name: '429 with Retry-After seconds', failure: { status: 429, retryAfter: '3' }, verdict: retry('HTTP 429, Retry-After 3', 3000) },
    { name: '429 with Retry-After as an HTTP date', failure: { status: 429, retryAfter: new Date(NOW + 7000).toUTCString() }, verdict: retry(`HTTP 429, Retry-After ${new Date(NOW + 7000).toUTCString()}`, 7000) },
    { name: '429 with a Retry-After date in the past', failure: { status: 429, retryAfter: new Date(NOW - 7000).toUTCString() }, verdict: retry(`HTTP 429, Retry-After ${new Date(NOW - 7000).toUTCString()}`, 0) },
    { name: '429 with an unreadable Retry-After', failure: { status: 429, retryAfter: 'soon' }, verdict: retry('HTTP 429') },
    { name: '429 with a huge Retry-After (the loop caps it, not the classifier)', failure: { status: 429, retryAfter: '86400' }, verdict: retry('HTTP 429, Retry-After 86400', 86_400_000) },
    { name: '500', failure: { status: 500 }, verdict: retry('HTTP 500') },
    { name: '502', failure: { status: 502 }, verdict: retry('HTTP 502') },
    { name: '503', failure: { status: 503 }, verdict: retry('HTTP 503') },
    { name: '503 with Retry-After', failure: { status: 503, retryAfter: '2' }, verdict: retry('HTTP 503, Retry-After 2', 2000) },
    { name: '504', failure: { status: 504 }, verdict: retry('HTTP 504') },
    { name: '500 ignores Retry-After (only 429 and 503 ask for a wait)', failure: { status: 500, retryAfter: '30' }, verdict: retry('HTTP 500') },
    { name: 'ECONNRESET', failure: { code: 'ECONNRESET', message: 'read ECONNRESET' }, verdict: retry('ECONNRESET') },
    { name: 'ECONNREFUSED (a registry restarting)', failure: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5000' }, verdict: retry('ECONNREFUSED') },
    { name: 'ETIMEDOUT (stall)', failure: { code: 'ETIMEDOUT', message: 'no activity for 60s' }, verdict: retry('ETIMEDOUT') },
    { name: 'EAI_AGAIN', failure: { code: 'EAI_AGAIN' }, verdict: retry('EAI_AGAIN') },
    { name: 'undici socket closed', failure: { code: 'UND_ERR_SOCKET', message: 'other side closed' }, verdict: retry('UND_ERR_SOCKET') },
    { name: 'socket hang up without a code', failure: { message: 'socket hang up' }, verdict: retry('socket hang up') },
    { name: 'a timeout without a code', failure: { message: 'request timed out' }, verdict: retry('request timed out') },
    { name: '400', failure: { status: 400 }, verdict: final('HTTP 400 is not transient') },
    { name: '401', failure: { status: 401 }, verdict: final('HTTP 401 is not transient') },
    { name: '403', failure: { status: 403 }, verdict: final('HTTP 403 is not transient') },
    { name: '404', failure: { status: 404 }, verdict: final('HTTP 404 is not transient') },
    { name: '405', failure: { status: 405 }, verdict: final('HTTP 405 is not transient') },
    { name: '413', failure: { status: 413 }, verdict: final('HTTP 413 is not transient') },
    { name: '501', failure: { status: 501 }, verdict: final('HTTP 501 is not transient') },
    { name: '505', failure: { status: 505 }, verdict: final('HTTP 505 is not transient') },
    { name: 'a status wins over a transient-looking message', failure: { status: 400, message: 'timed out' }, verdict: final('HTTP 400 is not transient') },
    { name: 'TLS verification failure', failure: { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, verdict: final('SELF_SIGNED_CERT_IN_CHAIN is not transient') },
    { name: 'DNS name not found', failure: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nope.invalid' }, verdict: final('ENOTFOUND is not transient') },
    { name: 'nothing known', failure: {}, verdict: final('error is not transient') },
  ])('$name', ({ failure, verdict }) => {
    expect(classifyHttpFailure(failure, NOW)).toEqual(verdict);
  });
});

describe('classifyDownloadFailure: what @actions/tool-cache and fetchTextHttp throw', () => {
  const httpError = (code: number) => Object.assign(new Error(`Unexpected HTTP response: ${code}`), { httpStatusCode: code });
  const coded = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each<{ name: string; error: unknown; verdict: Verdict }>([
    { name: 'tool-cache HTTPError 500', error: httpError(500), verdict: retry('HTTP 500') },
    { name: 'tool-cache HTTPError 503', error: httpError(503), verdict: retry('HTTP 503') },
    { name: 'tool-cache HTTPError 408', error: httpError(408), verdict: retry('HTTP 408') },
    { name: 'tool-cache HTTPError 429', error: httpError(429), verdict: retry('HTTP 429') },
    { name: 'HttpStatusError 429 with Retry-After', error: new HttpStatusError('https://x/sums', 429, '5'), verdict: retry('HTTP 429, Retry-After 5', 5000) },
    { name: 'HttpStatusError 503 with Retry-After', error: new HttpStatusError('https://x/sums', 503, '1'), verdict: retry('HTTP 503, Retry-After 1', 1000) },
    { name: 'connection refused', error: coded('ECONNREFUSED', 'connect ECONNREFUSED 140.82.112.3:443'), verdict: retry('ECONNREFUSED') },
    { name: 'connection reset', error: coded('ECONNRESET', 'read ECONNRESET'), verdict: retry('ECONNRESET') },
    { name: 'premature close', error: coded('ERR_STREAM_PREMATURE_CLOSE', 'Premature close'), verdict: retry('ERR_STREAM_PREMATURE_CLOSE') },
    { name: 'socket hang up', error: new Error('socket hang up'), verdict: retry('socket hang up') },
    { name: 'tool-cache HTTPError 404', error: httpError(404), verdict: final('HTTP 404 is not transient') },
    { name: 'tool-cache HTTPError 403', error: httpError(403), verdict: final('HTTP 403 is not transient') },
    { name: 'tool-cache HTTPError 501', error: httpError(501), verdict: final('HTTP 501 is not transient') },
    { name: 'unknown host', error: coded('ENOTFOUND', 'getaddrinfo ENOTFOUND mirror.invalid'), verdict: final('ENOTFOUND is not transient') },
    { name: 'a local file error', error: new Error('EACCES: permission denied'), verdict: final('EACCES: permission denied is not transient') },
    { name: 'a thrown string', error: 'boom', verdict: final('boom is not transient') },
    { name: 'nothing at all', error: undefined, verdict: final('undefined is not transient') },
  ])('$name', ({ error, verdict }) => {
    expect(classifyDownloadFailure(error, NOW)).toEqual(verdict);
  });
});

describe("classifyToolLine: a tool's last error line", () => {
  it.each<{ name: string; line: string; target: ToolTarget; verdict: Verdict }>([
    {
      name: 'imagetools PUT 503',
      line: 'failed commit on ref "index-sha256:...": unexpected status from PUT request to http://x/v2/a/manifests/1: 503 Service Unavailable',
      target: 'registry',
      verdict: retry('transient registry failure ("503")'),
    },
    { name: 'imagetools HEAD 429', line: 'unexpected status from HEAD request: 429 Too Many Requests', target: 'registry', verdict: retry('transient registry failure ("429")') },
    { name: 'a 408 (as the HTTP classifier)', line: 'unexpected status from PUT request: 408 Request Timeout', target: 'registry', verdict: retry('transient registry failure ("408")') },
    { name: 'cosign TOOMANYREQUESTS without a status', line: 'GET https://r/v2/a/manifests/sha256-x.sig: TOOMANYREQUESTS: slow down', target: 'registry', verdict: retry('transient registry failure ("TOOMANYREQUESTS")') },
    { name: 'a reset connection', line: 'read tcp 127.0.0.1:1->127.0.0.1:5000: read: connection reset by peer', target: 'registry', verdict: retry('transient registry failure ("connection reset")') },
    { name: 'a cut body', line: 'unexpected EOF', target: 'registry', verdict: retry('transient registry failure ("EOF")') },
    { name: 'a deadline', line: 'Put "https://r/v2/": context deadline exceeded', target: 'registry', verdict: retry('transient registry failure ("context deadline exceeded")') },
    { name: 'a TLS handshake timeout', line: 'net/http: TLS handshake timeout', target: 'registry', verdict: retry('transient registry failure ("TLS handshake")') },
    { name: 'a registry refusing connections (restarting)', line: 'dial tcp 127.0.0.1:5000: connect: connection refused', target: 'registry', verdict: retry('transient registry failure ("connection refused")') },
    { name: 'a Sigstore service refusing connections (nobody listens)', line: 'getting signer: getting key from Fulcio: dial tcp 127.0.0.1:1: connect: connection refused', target: 'service', verdict: final('not a transient service failure') },
    { name: 'a Sigstore service that is busy', line: 'signing: POST https://rekor.example/api/v1/log/entries: 503 Service Unavailable', target: 'service', verdict: retry('transient service failure ("503")') },
    { name: '400', line: 'unexpected status from PUT request: 400 Bad Request', target: 'registry', verdict: final('not a transient registry failure') },
    { name: '401', line: 'unexpected status: 401 Unauthorized', target: 'registry', verdict: final('not a transient registry failure') },
    { name: 'not found', line: 'not found', target: 'registry', verdict: final('not a transient registry failure') },
    { name: 'an untrusted certificate', line: 'tls: failed to verify certificate: x509: certificate signed by unknown authority', target: 'registry', verdict: final('not a transient registry failure') },
    { name: 'an unknown host', line: 'dial tcp: lookup nope.invalid: no such host', target: 'registry', verdict: final('not a transient registry failure') },
    { name: 'a status inside a longer number is not a status', line: 'manifest size 15003 exceeds the limit', target: 'registry', verdict: final('not a transient registry failure') },
  ])('$name', ({ line, target, verdict }) => {
    expect(classifyToolLine(line, target)).toEqual(verdict);
  });
});

describe('classifyVerifyOutcome: cosign verify outcomes', () => {
  it.each<{ name: string; outcome: VerifyOutcome; verdict: Verdict }>([
    { name: 'verified', outcome: { status: 'verified', signatures: [] }, verdict: final('verified') },
    { name: 'a layer read cut short', outcome: { status: 'no-match', reason: 'no matching signatures: unexpected EOF' }, verdict: retry('transient registry failure ("EOF")') },
    { name: 'a 429 on the .sig manifest', outcome: { status: 'error', reason: 'GET https://r/v2/a/manifests/sha256-x.sig: TOOMANYREQUESTS: slow down', exitCode: 1 }, verdict: retry('transient registry failure ("TOOMANYREQUESTS")') },
    { name: 'a registry nobody listens on', outcome: { status: 'error', reason: 'Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', exitCode: 1 }, verdict: retry('transient registry failure ("connection refused")') },
    { name: 'no signatures', outcome: { status: 'no-signatures', reason: 'no signatures found' }, verdict: final('not a transient registry failure') },
    { name: 'a wrong key', outcome: { status: 'no-match', reason: 'no matching signatures: invalid signature when validating ASN.1 encoded signature' }, verdict: final('an answer about the signature (no-match)') },
    {
      name: 'a mismatch whose subject contains "500" and "EOF"',
      outcome: { status: 'no-match', reason: 'no matching signatures: none of the expected identities matched what was in the certificate, got subjects [https://github.com/o/EOF/.github/workflows/release.yml@refs/tags/500]' },
      verdict: final('an answer about the signature (no-match)'),
    },
    { name: 'an expired certificate', outcome: { status: 'error', reason: 'x509: certificate has expired or is not yet valid: 503', exitCode: 1 }, verdict: final('an answer about the signature (error)') },
  ])('$name', ({ outcome, verdict }) => {
    expect(classifyVerifyOutcome(outcome)).toEqual(verdict);
  });
});
