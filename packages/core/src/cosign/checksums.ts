/**
 * Official SHA-256 digests of the cosign release binaries `cosign-linux-amd64` and `cosign-linux-arm64`
 * (the values sigstore publishes in each release's `cosign_checksums.txt`,
 * https://github.com/sigstore/cosign/releases/download/v<version>/cosign_checksums.txt).
 *
 * Every entry names where it was read. None was computed here: the only cosign on the test bed is a
 * Debian build, which is not byte-identical to the release binaries. To add a version, copy both lines
 * from that release's cosign_checksums.txt, check them against a second source (sigstore/cosign-installer
 * pins its bootstrap version; the GitHub release API lists an asset digest), and name both in the comment.
 */

export type CosignArch = 'amd64' | 'arm64';

export interface CosignChecksums {
  readonly amd64: string;
  readonly arm64: string;
  /** Where the values were read (repository + path [+ commit]), kept next to the data on purpose. */
  readonly source: string;
}

export const COSIGN_CHECKSUMS: Readonly<Record<string, CosignChecksums>> = Object.freeze({
  // Source: mqng/frr-appliance ci/install-build-deps.sh (amd64 at commit 09da197518c620561434db63d89325c551c89252;
  // arm64 in a later revision of the same file that adds "3.1.3-arm64"), which says the values come from
  // v3.1.3's cosign_checksums.txt. The same two values are pinned verbatim by many unrelated projects found
  // through code search (installer scripts, Dockerfiles, Go/JS tool tables listing sigstore/cosign v3.1.3).
  '3.1.3': {
    amd64: '4629c757b7618056f8ddd7e2625ae9fdd94c0372a65049520bc7d9df9efc7f71',
    arm64: 'c5d324e091826b0d7a78eb16fef316450b4eb9aaec045611c08ba06f5e73220a',
    source: 'mqng/frr-appliance ci/install-build-deps.sh (from v3.1.3 cosign_checksums.txt)',
  },
  // Source: sigstore/cosign-installer action.sh at commit 0970e7e66f3d601ac4c950b13ee252746b888213
  // (bootstrap_version='v3.0.6', generated there from v3.0.6's cosign_checksums.txt):
  // bootstrap_linux_amd64_sha / bootstrap_linux_arm64_sha.
  '3.0.6': {
    amd64: 'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74',
    arm64: 'bedac92e8c3729864e13d4a17048007cfafa79d5deca993a43a90ffe018ef2b8',
    source: 'sigstore/cosign-installer action.sh@0970e7e66f3d601ac4c950b13ee252746b888213',
  },
  // Source: sigstore/cosign-installer action.sh, the revision with bootstrap_version='v3.0.5'
  // (bootstrap_linux_amd64_sha / bootstrap_linux_arm64_sha).
  '3.0.5': {
    amd64: 'db15cc99e6e4837daabab023742aaddc3841ce57f193d11b7c3e06c8003642b2',
    arm64: 'd098f3168ae4b3aa70b4ca78947329b953272b487727d1722cb3cb098a1a20ab',
    source: "sigstore/cosign-installer action.sh (revision with bootstrap_version='v3.0.5')",
  },
  // Source: bazel-contrib/rules_oci cosign/private/versions.bzl at commit 0ddca98edd584ae192ab744337f5e9b63d5b1ef1
  // ("Mirrored versions/integrity hashes of cosign binaries"), stored there as SRI base64
  // (linux-amd64 "sha256-RtvctUZ6Pf7CUmkj0LM2XkDI2dwA7CPVrKNDdEnoy/0=", linux-arm64 "sha256-F/14RzfKVNfYo0PILabF1tve6XHmZkTZI9GwV/uX1+0=")
  // and converted to hex here.
  '3.0.2': {
    amd64: '46dbdcb5467a3dfec2526923d0b3365e40c8d9dc00ec23d5aca3437449e8cbfd',
    arm64: '17fd784737ca54d7d8a343c82da6c5d6dbdee971e66644d923d1b057fb97d7ed',
    source: 'bazel-contrib/rules_oci cosign/private/versions.bzl@0ddca98edd584ae192ab744337f5e9b63d5b1ef1',
  },
  // Source: bazel-contrib/rules_oci cosign/private/versions.bzl@0ddca98e (as above): linux-amd64
  // "sha256-I8n/iJZy8DZ2tnNTneB9WtTo78gkejrVXJvAAWmqIwU=", linux-arm64 "sha256-j1u2iZEY1SHXsSJS8G1YCPuk5ssKI/8SDtbBTXyHhjo=".
  '3.0.1': {
    amd64: '23c9ff889672f03676b673539de07d5ad4e8efc8247a3ad55c9bc00169aa2305',
    arm64: '8f5bb6899118d521d7b12252f06d5808fba4e6cb0a23ff120ed6c14d7c87863a',
    source: 'bazel-contrib/rules_oci cosign/private/versions.bzl@0ddca98edd584ae192ab744337f5e9b63d5b1ef1',
  },
  // Source: bazel-contrib/rules_oci cosign/private/versions.bzl@0ddca98e (as above): linux-amd64
  // "sha256-BklUxdjH47KBiO7lsXJ7McQRVQvF/v1BqmctPHYdEDo=", linux-arm64 "sha256-VqFkgL3VbseJq6plkkQC9rksAEHwaIWZWFPAVWe3bzQ=".
  '2.6.1': {
    amd64: '064954c5d8c7e3b28188eee5b1727b31c411550bc5fefd41aa672d3c761d103a',
    arm64: '56a16480bdd56ec789abaa65924402f6b92c0041f06885995853c05567b76f34',
    source: 'bazel-contrib/rules_oci cosign/private/versions.bzl@0ddca98edd584ae192ab744337f5e9b63d5b1ef1',
  },
});

/**
 * The cosign the actions install when cosign-version is not set: the newest release in the table above
 * (both architectures pinned). Bump it together with a new table entry.
 */
export const DEFAULT_COSIGN_VERSION = '3.1.3';

/** The pinned digest for a release binary, or undefined when the table does not know that version. */
export function pinnedChecksum(version: string, arch: CosignArch): string | undefined {
  return Object.hasOwn(COSIGN_CHECKSUMS, version) ? COSIGN_CHECKSUMS[version]![arch] : undefined;
}

/** Asset name of the Linux release binary, as published on the cosign releases page. */
export function cosignAssetName(arch: CosignArch): string {
  return `cosign-linux-${arch}`;
}

/**
 * Finds the digest of one asset in a `cosign_checksums.txt` (sha256sum format: "<64 hex>  <name>",
 * optionally "*<name>" for binary mode). Returns undefined when the asset is not listed; throws when it is
 * listed twice with different digests (a malformed or tampered file).
 */
export function checksumFromFile(text: string, assetName: string): string | undefined {
  const found = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m?.[1] && m[2] === assetName) found.add(m[1].toLowerCase());
  }
  if (found.size > 1) throw new Error(`the checksum file lists ${assetName} more than once with different digests`);
  return [...found][0];
}
