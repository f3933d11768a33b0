import { CompactSign } from 'jose';
import { KeyObject, sign } from 'node:crypto';
import type { ActiveSigningKey } from './signing-keys.service';

/**
 * Compact JWS (RFC 7515 §7.1) for the tokens this server signs with one key and one `typ`.
 *
 * Every token a key signs carries the same protected header, so it is serialised once here;
 * EdDSA (RFC 8037 §3.1, Ed25519) signatures come from node:crypto — OpenSSL's Ed25519, the
 * primitive WebCrypto itself uses — signed on the calling thread. An Ed25519 signature costs
 * tens of microseconds; handing it to the libuv thread pool (as WebCrypto does) adds CPU of
 * its own — the queueing, the wake-ups, the callback's promise: 3–11 µs a signature, measured
 * (bench/auth/README.md) — and on a machine with few cores frees no core. jose's
 * CompactSign would re-check and re-encode that constant header and normalise WebCrypto
 * arguments on every call: about 7 % of the token endpoint's CPU. Ed25519 is deterministic, so
 * the output is byte for byte what jose produces (compact-jws.signer.spec.ts checks it); any
 * other algorithm is signed by jose. jose remains the library for keys, JWKS and verification.
 */
export class CompactJwsSigner {
  private readonly header: string;
  private readonly edKey: KeyObject | undefined;

  constructor(
    private readonly key: ActiveSigningKey,
    private readonly typ: string,
  ) {
    this.header = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString('base64url');
    this.edKey = key.alg === 'EdDSA' ? KeyObject.from(key.privateKey as Parameters<typeof KeyObject.from>[0]) : undefined;
  }

  async sign(payload: Buffer): Promise<string> {
    if (!this.edKey) {
      return new CompactSign(payload).setProtectedHeader({ alg: this.key.alg, typ: this.typ, kid: this.key.kid }).sign(this.key.privateKey);
    }
    const input = `${this.header}.${payload.toString('base64url')}`;
    // Ed25519 takes no separate digest (algorithm null); without a callback, sign() is synchronous.
    const signature = sign(null, Buffer.from(input, 'ascii'), this.edKey);
    return `${input}.${signature.toString('base64url')}`;
  }
}
