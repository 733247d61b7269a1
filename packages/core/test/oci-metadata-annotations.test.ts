// User labels and annotations merged over the computed ones (mergeUserMetadata), and the level-prefixed
// --annotation arguments made of them (annotationArgsFor).
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { annotationArgsFor, mergeUserMetadata, OCI } from '../src/oci-metadata.ts';

describe('mergeUserMetadata', () => {
  const computed = { [OCI.title]: 'hello-image', [OCI.version]: '1.2.3', [OCI.licenses]: 'Apache-2.0' };

  it('lets user keys override computed ones, in place, and appends new keys in order', () => {
    const merged = mergeUserMetadata(computed, [
      ['com.example.team', 'platform'],
      [OCI.title, 'Hello'],
      [OCI.licenses, 'MIT'],
    ]);
    expect(Object.entries(merged)).toEqual([
      [OCI.title, 'Hello'],
      [OCI.version, '1.2.3'],
      [OCI.licenses, 'MIT'],
      ['com.example.team', 'platform'],
    ]);
    expect(computed[OCI.title]).toBe('hello-image');
  });

  it('the last of repeated user keys wins; empty values are kept (a deliberate blank)', () => {
    expect(mergeUserMetadata(computed, [[OCI.version, 'a'], [OCI.version, '']])[OCI.version]).toBe('');
  });

  it('treats __proto__ as a plain key', () => {
    const merged = mergeUserMetadata({}, [['__proto__', 'x']]);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('annotationArgsFor', () => {
  const annotations = { [OCI.title]: 'hello-image', [OCI.version]: '1.2.3' };

  it('prefixes every key with the level', () => {
    expect(annotationArgsFor('index', annotations)).toEqual([`index:${OCI.title}=hello-image`, `index:${OCI.version}=1.2.3`]);
    expect(annotationArgsFor('manifest-descriptor', { a: 'b=c' })).toEqual(['manifest-descriptor:a=b=c']);
  });

  it('emits unprefixed keys once per level when given several', () => {
    expect(annotationArgsFor(['manifest', 'index'], { a: '1' })).toEqual(['manifest:a=1', 'index:a=1']);
  });

  it('keeps user prefixes as given, once', () => {
    const user = mergeUserMetadata(annotations, [
      ['index:com.example.note', 'only on the index'],
      ['manifest[linux/arm64]:com.example.arch', 'arm64'],
      ['manifest,index-descriptor:com.example.both', 'x'],
    ]);
    expect(annotationArgsFor(['manifest', 'index'], user)).toEqual([
      `manifest:${OCI.title}=hello-image`,
      `index:${OCI.title}=hello-image`,
      `manifest:${OCI.version}=1.2.3`,
      `index:${OCI.version}=1.2.3`,
      'index:com.example.note=only on the index',
      'manifest[linux/arm64]:com.example.arch=arm64',
      'manifest,index-descriptor:com.example.both=x',
    ]);
  });

  it('a prefixed user key overrides the computed key at that level only', () => {
    const user = mergeUserMetadata(annotations, [[`index:${OCI.title}`, 'Hello']]);
    expect(annotationArgsFor(['manifest', 'index'], user)).toEqual([
      `manifest:${OCI.title}=hello-image`,
      `manifest:${OCI.version}=1.2.3`,
      `index:${OCI.version}=1.2.3`,
      `index:${OCI.title}=Hello`,
    ]);
  });

  it('a platform-qualified user key does not override the unqualified one', () => {
    const user = { a: '1', 'manifest[linux/amd64]:a': '2' };
    expect(annotationArgsFor('manifest', user)).toEqual(['manifest:a=1', 'manifest[linux/amd64]:a=2']);
  });

  it('treats an unknown prefix as part of the key', () => {
    expect(annotationArgsFor('index', { 'layer:foo': 'x' })).toEqual(['index:layer:foo=x']);
  });

  it('refuses a key that cannot be passed as key=value', () => {
    expect(() => annotationArgsFor('index', { 'a=b': 'c' })).toThrow(expect.objectContaining({ input: 'annotations' }));
    expect(() => annotationArgsFor('index', { ' ': 'c' })).toThrow(InputError);
  });
});
