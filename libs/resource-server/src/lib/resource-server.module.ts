import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenVerifier } from './access-token-verifier';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerChallenges } from './bearer-challenges';
import { BearerStrategy } from './bearer.strategy';
import { RESOURCE_SERVER_OPTIONS, type ResourceServerOptions } from './resource-server.options';
import { InMemoryRevocationList, REVOCATION_LIST, type RevocationList } from './revocation-list';

/**
 * Makes a Nest application an OAuth resource server: import it once at the root, then put
 * `@UseGuards(BearerAuthGuard)` and `@RequireScopes(...)` on protected routes. Global, so
 * feature modules' guards find the verifier and the challenge builder.
 */
@Module({})
export class ResourceServerModule {
  static forRoot(options: ResourceServerOptions): DynamicModule {
    return {
      module: ResourceServerModule,
      global: true,
      imports: [PassportModule],
      providers: [
        { provide: RESOURCE_SERVER_OPTIONS, useValue: options },
        { provide: REVOCATION_LIST, useValue: options.revocations ?? new InMemoryRevocationList() },
        {
          provide: AccessTokenVerifier,
          useFactory: (revocations: RevocationList) => new AccessTokenVerifier({ ...options, revocations }),
          inject: [REVOCATION_LIST],
        },
        { provide: BearerChallenges, useValue: new BearerChallenges(options.resourceMetadataUrl, options.baselineScopes) },
        // Registers itself with passport under BEARER_STRATEGY, where BearerAuthGuard finds it.
        { provide: BearerStrategy, useFactory: (verifier: AccessTokenVerifier) => new BearerStrategy(() => verifier), inject: [AccessTokenVerifier] },
        BearerAuthGuard,
      ],
      exports: [RESOURCE_SERVER_OPTIONS, REVOCATION_LIST, AccessTokenVerifier, BearerChallenges, BearerAuthGuard],
    };
  }
}
