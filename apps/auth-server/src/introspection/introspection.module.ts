import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { TokenModule } from '../token/token.module';
import { IntrospectionController } from './introspection.controller';

/** Token introspection (RFC 7662). */
@Module({
  imports: [ClientsModule, TokenModule],
  controllers: [IntrospectionController],
})
export class IntrospectionModule {}
