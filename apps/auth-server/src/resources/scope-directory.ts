import { Inject, Injectable } from '@nestjs/common';
import { declaredScopes, findScope, SCOPE_CATALOGUE, ScopeDescription } from '@portcullis/scopes';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';

/**
 * Every scope this server knows: the built-in catalogue plus the scopes each upstream of the
 * gateway file declares. The consent page describes scopes, registration checks them and the
 * metadata lists them (RFC 8414 §2 `scopes_supported`) from here, so a declared scope is
 * treated like a built-in one everywhere.
 */
@Injectable()
export class ScopeDirectory {
  private readonly declared: ReadonlyMap<string, ScopeDescription>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.declared = declaredScopes(config.gatewayConfigFile?.upstreams.flatMap((u) => u.scopes) ?? []);
  }

  find(name: string): ScopeDescription | undefined {
    return findScope(name) ?? this.declared.get(name);
  }

  names(): string[] {
    return [...SCOPE_CATALOGUE.map((s) => s.name), ...this.declared.keys()];
  }
}
