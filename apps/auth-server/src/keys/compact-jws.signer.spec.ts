import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import { CompactJwsSigner } from './compact-jws.signer';

describe('CompactJwsSigner', () => {
  const payload = Buffer.from(JSON.stringify({ iss: 'https://as.example', sub: 'alice', aud: 'https://mcp.example/mcp', jti: 'j-1' }));

  it('produces exactly what jose produces for EdDSA (Ed25519 is deterministic)', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const key = { kid: 'k-1', alg: 'EdDSA', privateKey };
    const ours = await new CompactJwsSigner(key, 'at+jwt').sign(payload);
    const theirs = await new CompactSign(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k-1' }).sign(privateKey);
    expect(ours).toBe(theirs);
  });

  it('is verified by jose with the public key, header intact', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const token = await new CompactJwsSigner({ kid: 'k-2', alg: 'EdDSA', privateKey }, 'at+jwt').sign(payload);
    const verified = await compactVerify(token, await importJWK(await exportJWK(publicKey), 'EdDSA'));
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k-2' });
    expect(Buffer.from(verified.payload).equals(payload)).toBe(true);
  });

  it('refuses to verify under another key (the signature is real)', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const other = await generateKeyPair('EdDSA', { extractable: true });
    const token = await new CompactJwsSigner({ kid: 'k-3', alg: 'EdDSA', privateKey }, 'at+jwt').sign(payload);
    await expect(compactVerify(token, other.publicKey)).rejects.toThrow();
  });

  it('leaves other algorithms to jose (ES256)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await new CompactJwsSigner({ kid: 'k-4', alg: 'ES256', privateKey }, 'at+jwt').sign(payload);
    const verified = await compactVerify(token, publicKey);
    expect(verified.protectedHeader.alg).toBe('ES256');
  });
});
