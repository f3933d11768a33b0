import { Controller, Get, Header } from '@nestjs/common';
import { SigningKeysService } from './signing-keys.service';

/** RFC 8414 `jwks_uri`: the public keys resource servers verify access tokens with. */
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks')
  @Header('content-type', 'application/jwk-set+json')
  // Short enough that a rotation's `next` key is seen well before it signs.
  @Header('cache-control', 'public, max-age=300')
  jwks() {
    return this.keys.publishedJwks();
  }
}
