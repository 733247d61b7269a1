import { InputError } from '../errors.ts';
import type { ImageName } from '../image.ts';

/**
 * A Kubernetes object name (DNS-1123 label: lower-case alphanumerics and "-", at most 63) derived from the first
 * image, e.g. ghcr.io/owner/app -> moam-verify-ghcr-io-owner-app. Deterministic, so regenerating replaces the
 * same object.
 */
export function defaultPolicyName(images: readonly ImageName[]): string {
  const first = images[0];
  const slug = first ? `${first.registry}/${first.repository}`.toLowerCase().replace(/[^a-z0-9]+/g, '-') : 'images';
  return `moam-verify-${slug}`.slice(0, 63).replace(/-+$/, '');
}

export function checkPolicyName(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    throw new InputError('name', `${JSON.stringify(name)} is not a DNS-1123 label`, 'use lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit');
  }
  return name;
}
