import { Module } from '@nestjs/common';
import { SharedStateModule } from '../shared-state/shared-state.module';
import { AssertionJtiLedger } from './assertion-jti.ledger';
import { AssertionVerifier } from './assertion-verifier';
import { IdJagVerifier } from './id-jag.verifier';
import { IssuerKeySets } from './issuer-key-sets';
import { TrustedIssuerDirectory } from './trusted-issuer.directory';
import { WorkloadVerifier } from './workload.verifier';

/**
 * The issuers the jwt-bearer grant trusts (TRUSTED_ISSUERS_FILE): their keys, the checks of
 * their assertions, and the replay ledger every replica shares.
 */
@Module({
  imports: [SharedStateModule],
  providers: [TrustedIssuerDirectory, IssuerKeySets, AssertionVerifier, IdJagVerifier, WorkloadVerifier, AssertionJtiLedger],
  exports: [TrustedIssuerDirectory, IdJagVerifier, WorkloadVerifier, AssertionJtiLedger],
})
export class TrustedIssuersModule {}
