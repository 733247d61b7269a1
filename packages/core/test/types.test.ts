import { describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest.ts';
import { formatPlatform, parsePlatform, parsePlatforms, platformSlug } from '../src/platform.ts';
import { formatReference, parseImageName, parseImageNames, sameImage, parseImageReference } from '../src/image.ts';
import { parseKeyValues, parseList, parseBoolean } from '../src/inputs.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', 'linux-amd64'],
    ['linux/arm64', 'linux/arm64', 'linux-arm64'],
    ['linux/arm64/v8', 'linux/arm64', 'linux-arm64'],
    ['linux/aarch64', 'linux/arm64', 'linux-arm64'],
    ['linux/x86_64', 'linux/amd64', 'linux-amd64'],
    ['linux/arm', 'linux/arm/v7', 'linux-arm-v7'],
    ['linux/arm/v6', 'linux/arm/v6', 'linux-arm-v6'],
    ['LINUX/AMD64', 'linux/amd64', 'linux-amd64'],
    [' linux/riscv64 ', 'linux/riscv64', 'linux-riscv64'],
    ['linux/386', 'linux/386', 'linux-386'],
  ])('%j -> %s', (input, expected, slug) => {
    const p = parsePlatform(input);
    expect(formatPlatform(p)).toBe(expected);
    expect(platformSlug(p)).toBe(slug);
  });

  it.each([
    ['', /is empty/],
    ['linux/amd64,linux/arm64', /is a list; this input takes exactly one platform/],
    ['linux/amd64 linux/arm64', /is a list/],
    ['amd64', /not os\/arch/],
    ['linux/', /not os\/arch/],
    ['linux/amd64/v1/x', /not os\/arch/],
    ['plan10/amd64', /unknown operating system/],
    ['linux/sparc', /unknown architecture/],
    ['linux/arm/seven', /invalid variant/],
    ['$(id)/amd64', /unknown operating system/],
  ])('refuses %j', (input, why) => {
    expect(() => parsePlatform(input)).toThrow(why);
    expect(() => parsePlatform(input)).toThrow(/Input "platform".*Fix:/);
  });

  it('refuses duplicates after normalisation', () => {
    expect(() => parsePlatforms(['linux/arm64', 'linux/arm64/v8'])).toThrow(/lists linux\/arm64 twice/);
  });
});

describe('parseDigest', () => {
  it('accepts sha256 and lower-cases hex', () => {
    expect(parseDigest(D)).toBe(D);
    expect(parseDigest(`sha256:${'A'.repeat(64)}`)).toBe(D);
  });
  it.each([
    [`sha256:${'a'.repeat(63)}`, /64 lower-case hex.*got 63/],
    [`sha256:${'g'.repeat(64)}`, /not a sha256 digest/],
    [`md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    ['latest', /is not a digest/],
    ['', /is not a digest/],
  ])('refuses %j', (input, why) => {
    expect(() => parseDigest(input)).toThrow(why);
  });
});

describe('parseImageName', () => {
  it.each([
    ['ghcr.io/owner/app', 'ghcr.io', 'owner/app'],
    ['localhost:5000/moam/app', 'localhost:5000', 'moam/app'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app'],
    ['docker.io/owner/app', 'docker.io', 'owner/app'],
    ['owner/app', 'docker.io', 'owner/app'],
    ['alpine', 'docker.io', 'library/alpine'],
    // The distribution grammar's normalisation: docker.io/x and index.docker.io/x are official images too.
    ['docker.io/alpine', 'docker.io', 'library/alpine'],
    ['index.docker.io/alpine', 'docker.io', 'library/alpine'],
    ['index.docker.io/library/alpine', 'docker.io', 'library/alpine'],
    ['index.docker.io/owner/app', 'docker.io', 'owner/app'],
    ['registry.example.com/a/b/c-d_e.f', 'registry.example.com', 'a/b/c-d_e.f'],
  ])('%s', (input, registry, repository) => {
    expect(parseImageName(input)).toMatchObject({ name: input, registry, repository });
  });

  it.each([
    ['ghcr.io/Owner/App', /upper-case/],
    ['ghcr.io/owner/app:1.0', /carries a tag/],
    ['app:latest', /carries a tag/],
    [`ghcr.io/owner/app@${D}`, /carries a digest/],
    ['', /empty image name/],
    ['--output=type=local', /starts with "-"/],
    ['ghcr.io/owner/app;rm -rf /', /not a valid image name/],
    ['ghcr.io/owner//app', /not a valid image name/],
  ])('refuses %j', (input, why) => {
    expect(() => parseImageName(input)).toThrow(why);
  });

  it('refuses duplicate names', () => {
    expect(() => parseImageNames(['ghcr.io/o/a', 'ghcr.io/o/a'])).toThrow(/twice/);
  });

  it.each([
    ['x', 'docker.io/library/x'],
    ['docker.io/x', 'x'],
    ['index.docker.io/library/x', 'docker.io/x'],
    ['owner/x', 'docker.io/owner/x'],
  ])('treats %s and %s as one repository', (a, b) => {
    expect(() => parseImageNames([a, b])).toThrow(/name the same repository docker\.io\/(library|owner)\/x/);
    expect(sameImage(parseImageName(a), b)).toBe(true);
  });

  it('tells different repositories apart', () => {
    expect(sameImage(parseImageName('x'), 'docker.io/owner/x')).toBe(false);
    expect(sameImage(parseImageName('ghcr.io/o/x'), 'not a name')).toBe(false);
  });
});

describe('parseImageReference', () => {
  it.each([
    ['ghcr.io/o/a:1.2.3', 'ghcr.io/o/a:1.2.3'],
    [`ghcr.io/o/a@${D}`, `ghcr.io/o/a@${D}`],
    [`ghcr.io/o/a:1@${D}`, `ghcr.io/o/a@${D}`],
    ['localhost:5000/a', 'localhost:5000/a:latest'],
  ])('%s', (input, formatted) => {
    expect(formatReference(parseImageReference(input))).toBe(formatted);
  });
  it('refuses a bad digest and a bad tag', () => {
    expect(() => parseImageReference('ghcr.io/o/a@sha256:abc')).toThrow(/invalid digest/);
    expect(() => parseImageReference('ghcr.io/o/a:-x')).toThrow(/invalid tag/);
  });
});

describe('input lists', () => {
  it('splits on newlines and commas, drops blanks and comments', () => {
    expect(parseList('a, b\n\n# note\nc\r\n')).toEqual(['a', 'b', 'c']);
    expect(parseList('K=a,b\nL=c', { commas: false })).toEqual(['K=a,b', 'L=c']);
  });
  it('parses KEY=VALUE keeping = and , in values', () => {
    expect(parseKeyValues('A=1=2\nB=x,y', 'labels')).toEqual([['A', '1=2'], ['B', 'x,y']]);
    expect(() => parseKeyValues('novalue', 'labels')).toThrow(/Input "labels".*not KEY=VALUE/);
    expect(() => parseKeyValues('--push=x', 'build-args')).toThrow(/starts with "-"/);
  });
  it('parses booleans strictly', () => {
    expect(parseBoolean('', 'push', true)).toBe(true);
    expect(parseBoolean('FALSE', 'push', true)).toBe(false);
    expect(() => parseBoolean('yes', 'push', true)).toThrow(/Input "push": "yes" is not a boolean/);
  });
});
