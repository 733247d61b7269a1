import { describe, expect, it } from 'vitest';
import { COSIGN_CHECKSUMS, DEFAULT_COSIGN_VERSION, checksumFromFile, cosignAssetName, pinnedChecksum } from '../../src/cosign/checksums.ts';
import { parseCosignVersion } from '../../src/cosign/version.ts';

describe('pinned cosign checksum table', () => {
  const entries = Object.entries(COSIGN_CHECKSUMS);

  it('pins the default version for both architectures', () => {
    expect(pinnedChecksum(DEFAULT_COSIGN_VERSION, 'amd64')).toMatch(/^[0-9a-f]{64}$/);
    expect(pinnedChecksum(DEFAULT_COSIGN_VERSION, 'arm64')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(entries)('%s: bare semver key, lower-case 64-hex digests, distinct per arch, a named source', (version, sums) => {
    expect(parseCosignVersion(version)).toBe(version);
    expect(sums.amd64).toMatch(/^[0-9a-f]{64}$/);
    expect(sums.arm64).toMatch(/^[0-9a-f]{64}$/);
    expect(sums.amd64).not.toBe(sums.arm64);
    expect(sums.source.length).toBeGreaterThan(10);
  });

  it('never repeats a digest across versions (a copy-paste slip would)', () => {
    const all = entries.flatMap(([, s]) => [s.amd64, s.arm64]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps the default the newest pinned version', () => {
    const newest = Object.keys(COSIGN_CHECKSUMS).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
    expect(DEFAULT_COSIGN_VERSION).toBe(newest);
  });

  it('knows nothing about other versions (and is not fooled by prototype keys)', () => {
    expect(pinnedChecksum('2.5.0', 'amd64')).toBeUndefined();
    expect(pinnedChecksum('constructor', 'amd64')).toBeUndefined();
    expect(pinnedChecksum('__proto__', 'arm64')).toBeUndefined();
  });

  it('names the release assets', () => {
    expect(cosignAssetName('amd64')).toBe('cosign-linux-amd64');
    expect(cosignAssetName('arm64')).toBe('cosign-linux-arm64');
  });
});

describe('checksumFromFile (cosign_checksums.txt)', () => {
  const a = 'a'.repeat(64);
  const b = 'B'.repeat(64);
  const file = [`${'1'.repeat(64)}  cosign-darwin-amd64`, `${a}  cosign-linux-amd64`, `${b} *cosign-linux-arm64`, `${'2'.repeat(64)}  cosign-linux-amd64.sig`, '', 'garbage line'].join('\n');

  it('finds an asset, exact name only, lower-cased', () => {
    expect(checksumFromFile(file, 'cosign-linux-amd64')).toBe(a);
    expect(checksumFromFile(file, 'cosign-linux-arm64')).toBe('b'.repeat(64));
    expect(checksumFromFile(file, 'cosign-linux-s390x')).toBeUndefined();
  });

  it('handles CRLF and duplicate identical lines', () => {
    expect(checksumFromFile(`${a}  cosign-linux-amd64\r\n${a}  cosign-linux-amd64\r\n`, 'cosign-linux-amd64')).toBe(a);
  });

  it('refuses conflicting lines for the same asset', () => {
    expect(() => checksumFromFile(`${a}  cosign-linux-amd64\n${'c'.repeat(64)}  cosign-linux-amd64\n`, 'cosign-linux-amd64')).toThrow(/more than once/);
  });
});
