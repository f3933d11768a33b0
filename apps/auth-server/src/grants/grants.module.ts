import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentEntity } from '../authorize/interaction/consent.entity';
import { ClientsModule } from '../clients/clients.module';
import { GrantEntity } from '../token/grant.entity';
import { TokenModule } from '../token/token.module';
import { GrantsService } from './grants.service';

/** A person's grants, listed and revoked: used by the account page and the admin API. */
@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity, ConsentEntity]), TokenModule, ClientsModule],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
