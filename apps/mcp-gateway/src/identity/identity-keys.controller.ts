import { Controller, Get, Header, Inject } from '@nestjs/common';
import { IdentitySigner } from './identity-signer';

/** The public key upstreams verify the gateway's identity tokens with (RFC 7517 key set). */
@Controller('.well-known/jwks.json')
export class IdentityKeysController {
  constructor(@Inject(IdentitySigner) private readonly signer: IdentitySigner) {}

  @Get()
  @Header('cache-control', 'public, max-age=300')
  keys() {
    return this.signer.jwks();
  }
}
