import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { TokenModule } from '../token/token.module';
import { RevocationListController } from './revocation-list.controller';
import { RevocationController } from './revocation.controller';

/** Token revocation (RFC 7009) and the list of revoked grants resource servers poll. */
@Module({
  imports: [ClientsModule, TokenModule],
  controllers: [RevocationController, RevocationListController],
})
export class RevocationModule {}
