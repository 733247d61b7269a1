import { InputError } from './errors.ts';

declare const digestBrand: unique symbol;
/** A content digest such as sha256:<64 hex>, validated. */
export type Digest = string & { readonly [digestBrand]: true };

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): value is Digest {
  return DIGEST.test(value);
}

export function parseDigest(value: string, input = 'digest'): Digest {
  const v = value.trim();
  if (isDigest(v)) return v;
  if (/^sha256:[a-fA-F0-9]{64}$/.test(v)) return v.toLowerCase() as Digest;
  if (/^[^@\s]+@sha256:[a-fA-F0-9]{64}$/.test(v)) {
    throw new InputError(input, `"${v}" is an image reference, not a digest`, `give only the digest after "@" (${v.slice(v.indexOf('@') + 1)})`);
  }
  const why = /^sha256:/.test(v)
    ? `"${v}" is not a sha256 digest (needs exactly 64 lower-case hex characters after "sha256:", got ${v.length - 7})`
    : /^[a-z0-9]+:/.test(v)
      ? `"${v}" uses an unsupported digest algorithm`
      : `"${v}" is not a digest`;
  throw new InputError(input, why, 'give a digest such as sha256:<64 hex characters>, e.g. the digest output of an earlier step');
}

