// Test support for the whole-document tests (documents-*.test.ts): the document of a generator's result, and the
// name the generators give the documents for ghcr.io/octo-org/app.
import type { PolicyResult } from '../../src/policy/result.ts';

export const NAME = 'moam-verify-ghcr-io-octo-org-app';

export function documentOf<T>(r: PolicyResult<T>): T {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.document;
}
