import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTlsProtocolMismatch, isTlsVerificationError, loadTlsMaterial, loadTlsMaterialTrusting } from '../../src/registry/transport.ts';

let certsDir: string;
const deps = () => ({ certsDir, systemCaFiles: [], env: {} });
const SYSTEM = ['SYSTEM-CA'];

beforeAll(async () => {
  certsDir = await mkdtemp(path.join(tmpdir(), 'moam-certs-'));
  const mk = async (dir: string, files: Record<string, string>) => {
    await mkdir(path.join(certsDir, dir), { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(certsDir, dir, name), content);
  };
  await mk('localhost:5443', { 'ca.crt': 'CA-5443', 'extra.crt': 'CA-EXTRA', 'client.cert': 'CLIENT-CERT', 'client.key': 'CLIENT-KEY', 'README': 'ignored' });
  await mk('registry.example.com', { 'ca.crt': 'CA-EXAMPLE' });
  await mk('nokey.example', { 'client.cert': 'CERT-WITHOUT-KEY' });
});

afterAll(async () => {
  await rm(certsDir, { recursive: true, force: true });
});

describe('certs.d TLS material', () => {
  it('trusts the system CAs plus every *.crt of certs.d/<host:port>, with the *.cert/*.key client pair', () => {
    const m = loadTlsMaterial('localhost:5443', deps(), () => SYSTEM);
    expect(m.ca).toEqual(['SYSTEM-CA', 'CA-5443', 'CA-EXTRA']);
    expect(m).toMatchObject({ cert: 'CLIENT-CERT', key: 'CLIENT-KEY' });
    expect(m.files.map((f) => path.basename(f))).toEqual(['ca.crt', 'client.cert', 'client.key', 'extra.crt']);
  });

  it('the port is part of the directory name (host:443 also looks at the bare host)', () => {
    expect(loadTlsMaterial('localhost:5000', deps(), () => SYSTEM).ca).toEqual(['SYSTEM-CA']);
    expect(loadTlsMaterial('registry.example.com', deps(), () => SYSTEM).ca).toEqual(['SYSTEM-CA', 'CA-EXAMPLE']);
    expect(loadTlsMaterial('registry.example.com:443', deps(), () => SYSTEM).ca).toEqual(['SYSTEM-CA', 'CA-EXAMPLE']);
  });

  it("a token realm on another host is trusted with the registry's certs.d CAs too (docker and containerd use one transport for both)", () => {
    const m = loadTlsMaterialTrusting('auth.example.com:5447', 'registry.example.com', deps(), () => SYSTEM);
    expect(m.ca).toEqual(['SYSTEM-CA', 'CA-EXAMPLE']);
    expect(m.cert).toBeUndefined();
    // the client certificate stays the host's own
    const own = loadTlsMaterialTrusting('localhost:5443', 'registry.example.com', deps(), () => SYSTEM);
    expect(own.ca).toEqual(['SYSTEM-CA', 'CA-5443', 'CA-EXTRA', 'CA-EXAMPLE']);
    expect(own).toMatchObject({ cert: 'CLIENT-CERT', key: 'CLIENT-KEY' });
    expect(loadTlsMaterialTrusting('registry.example.com', 'registry.example.com', deps(), () => SYSTEM).ca).toEqual(['SYSTEM-CA', 'CA-EXAMPLE']);
  });

  it('a client certificate without its key is an error naming both files', () => {
    expect(() => loadTlsMaterial('nokey.example', deps(), () => SYSTEM)).toThrow(/client certificate .*nokey\.example\/client\.cert has no matching key .*client\.key/);
  });
});

describe('TLS error classification', () => {
  it.each<[object, boolean, boolean]>([
    [{ code: 'EPROTO', message: 'write EPROTO ...:wrong version number' }, true, false],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, true, false],
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, false, true],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, false, true],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, false, true],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, false, true],
    [{ code: 'CERT_HAS_EXPIRED' }, false, true],
    [{ code: 'ECONNREFUSED' }, false, false],
  ])('%j: protocol mismatch %s, verification failure %s', (e, mismatch, verification) => {
    expect(isTlsProtocolMismatch(e)).toBe(mismatch);
    expect(isTlsVerificationError(e)).toBe(verification);
  });
});
