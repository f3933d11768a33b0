#!/usr/bin/env bash
# Renames reads of the auth-server's and audit-service's typed config object from the
# environment variable names to camelCase (config.AUTHORIZATION_CODE_TTL →
# config.authorizationCodeTtl) in the files given, in place. Idempotent: a renamed key is no
# longer SCREAMING_CASE, so a second run finds nothing. See RENAME.md for what it touches and
# what it leaves alone on purpose (environment objects keep the variable names).
#
# usage: ./rename-config-keys.sh FILE...
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 FILE..." >&2
  exit 64
fi

exec perl -0777 -i -pe '
  BEGIN {
    # The settings of apps/auth-server/src/config/auth-config.ts and
    # apps/audit-service/src/config/audit-config.ts (env names, the public contract).
    my @keys = qw(
      ACCESS_TOKEN_TTL AUDIT_BATCH_MAX AUDIT_BATCH_WINDOW_MS AUDIT_INGEST_PRODUCERS
      AUDIT_INGEST_SECRET AUDIT_INGEST_URL AUDIT_PREFETCH AUDIT_QUEUE
      AUDIT_REJECTION_WINDOW_SECONDS AUDIT_RESOURCE_URL AUTHORIZATION_CODE_TTL BOOTSTRAP_USERS
      BROKER_URL CIMD_ALLOWED_PRIVATE_HOSTS CIMD_ALLOW_HTTP CLIENTS_FILE DATABASE_URL
      DEFAULT_RESOURCE HOST INTERACTION_TTL ISSUER_URL JWKS_URI KEY_RETIREMENT_GRACE
      LOGIN_DELAY_SECONDS LOGIN_LOCKOUT_SECONDS LOGIN_MAX_FAILURES MCP_RESOURCE_URL NODE_ENV
      PORT REFRESH_GRACE_SECONDS REFRESH_TOKEN_TTL REGISTRATION_INITIAL_ACCESS_TOKEN
      REGISTRATION_RATE_LIMIT RESOURCE_URL REVOCATIONS_POLL_MS REVOCATIONS_URL SESSION_TTL
      SQLITE_PATH TRUST_PROXY
    );
    # Longest first, so ISSUER_URL never stops a match short of ..._URL_X.
    our $KEY = join "|", sort { length($b) <=> length($a) } @keys;
    # The same rule as camelCase() in libs/config: lower-case, and each _x becomes X.
    sub camel { my $name = lc shift; $name =~ s/_([a-z0-9])/\u$1/g; return $name }
    # Keys of an object literal or a type: KEY: value → camel: value.
    sub literal_keys { my $s = shift; $s =~ s/(^|[\s{,])($KEY)(\s*\??:)/$1 . camel($2) . $3/ge; return $s }
    # Quoted keys in a type argument: "KEY" / '"'"'KEY'"'"' → camel.
    sub quoted_keys { my $s = shift; $s =~ s/(["'"'"'])($KEY)\1/$1 . camel($2) . $1/ge; return $s }
    # Destructuring: KEY → camel: KEY, KEY: alias → camel: alias, KEY = d → camel: KEY = d.
    sub pattern_keys {
      my $s = shift;
      $s =~ s/(^|,)(\s*)($KEY)\b(\s*)(?=([,:=])|$)/$1 . $2 . camel($3) . (defined $5 && $5 eq ":" ? $4 : ": $3$4")/ge;
      return $s;
    }
  }
  our $KEY;
  my $CONFIG_TYPE = qr/(?:AuthConfig|AuditConfig)\b/;
  # A value named config: config, this.config, authConfig, options.auditConfig, config?.
  my $CONFIG_VALUE = qr/\b\w*[cC]onfig\b/;

  # 1. Property reads: config.KEY, this.config.KEY, authConfig?.KEY.
  s/($CONFIG_VALUE\??\.)($KEY)\b/$1 . camel($2)/ge;

  # 2. Types naming keys: Pick<AuthConfig, "A" | "B">, Omit<…>, AuthConfig["A"].
  s/(\b(?:Pick|Omit)<\s*$CONFIG_TYPE\s*,)([^>]*)>/$1 . quoted_keys($2) . ">"/ge;
  s/($CONFIG_TYPE\s*\[\s*)(["'"'"'])($KEY)\2/$1 . $2 . camel($3) . $2/ge;

  # 3. Destructuring a config: const { A, B: b } = this.config; ({ A }: AuthConfig) => …
  s/\{([^{}]*)\}(?=\s*=\s*(?:this\.)?$CONFIG_VALUE(?!\s*[.(\[]))/"{" . pattern_keys($1) . "}"/ge;
  s/\{([^{}]*)\}(?=\s*:\s*(?:Readonly<\s*|Partial<\s*|Pick<\s*|Omit<\s*)?$CONFIG_TYPE)/"{" . pattern_keys($1) . "}"/ge;

  # 4. Config literals: named like one (const config = {…}, as rule 1 reads config.KEY),
  #    typed as one (const c: AuthConfig = {…}, {…} as / satisfies Partial<AuthConfig>) or
  #    overriding one ({ ...config, KEY: v }).
  s/(\b(?:const|let|var)\s+$CONFIG_VALUE\s*=\s*)\{([^{}]*)\}/$1 . "{" . literal_keys($2) . "}"/ge;
  s/(:\s*(?:Readonly<\s*|Partial<\s*|Pick<[^=]*?)?$CONFIG_TYPE[^=;{]*=\s*)\{([^{}]*)\}/$1 . "{" . literal_keys($2) . "}"/ge;
  s/\{([^{}]*)\}(?=\s*(?:as|satisfies)\s+(?:Readonly<\s*|Partial<\s*|Pick<\s*)?$CONFIG_TYPE)/"{" . literal_keys($1) . "}"/ge;
  s/(\{\s*\.\.\.(?:this\.)?$CONFIG_VALUE\s*,)([^{}]*)\}/$1 . literal_keys($2) . "}"/ge;
' -- "$@"
