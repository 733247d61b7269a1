// Test support for the Rekor tests: hex/base64 helpers and a sample of the public Rekor (its key, an entry it signed
// and a checkpoint), to check our log code and stand-in against what the real log wrote.
import { createPublicKey } from 'node:crypto';

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
export const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

// The public Rekor's key (rekor.sigstore.dev, in Sigstore's trusted root) and real entries it signed:
// a cosign `dev.sigstore.cosign/bundle` annotation from ghcr.io/freedomofpress/dangerzone/v1 (a key-signed
// hashedrekord) and a checkpoint from a 2025 sigstore bundle's inclusion proof.
export const PUBLIC_REKOR_KEY = createPublicKey({ key: b64('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw=='), format: 'der', type: 'spki' });
export const PUBLIC_BUNDLE = {
  SignedEntryTimestamp: 'MEYCIQCsAt/PgYO2WFKoQX/P42vXCWJVUEgqRLXZ0BlrKwY40QIhAOTu/oE7jDtL8XP4PiZJhJ3nSlW3yXUp5ErSmjedzdCv',
  Payload: {
    body: 'eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI4OGI4YTJhYzViODI5ZjQ3YmQyNWE1YTRkOWMyY2NiMGZjY2ZmN2Y1M2ExNzQ3N2I2ZDliNTY4MDQzNmFhODBmIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FUUNJQVFTY25UMDNNVmZteGpZeVc1cUFtdlE2VFNvdWtQdXcwSG1TVmxNQndZRUFpQXpHYjc2Y3ZEYjRDSEorSDZ0RDAwYlcxU2gxQ0s2b3BhUm1JMmlzdDRwMkE9PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTTBOVmJHNTNhRGd5TlZvMWQxRkJTbFkyVkdWclJXazJZa05MTWdwWmRrRm5OMEVyWVdWbGNrMDFhSFpqTkVORFEwcEdRbUZsTlVGcWJuTnFSMGgyTkZZdk0zaDZjM05qYXpabE5URlhLMkl3YWxVMGNWWjNQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=',
    integratedTime: 1770622892,
    logIndex: 929816779,
    logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
  },
};
export const PUBLIC_CHECKPOINT =
  'rekor.sigstore.dev - 1193050959916656506\n604939772\npMLuZ9LswMdPA8hK2gigUVdmpRDdhVGTdXXHHuK9i5A=\n\n\u2014 rekor.sigstore.dev wNI9ajBGAiEA0edmUQ86q0DrZPl295Agpgnf2LBXL/fUYQ6LFu72kuICIQDCS0hMHJjnxgj1vmV4mbBNzuGhGSvS8FiCQSTcnWoGzQ==\n';
