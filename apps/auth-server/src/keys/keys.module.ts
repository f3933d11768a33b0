import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { JwksController } from './jwks.controller';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [DatabaseModule],
  controllers: [JwksController],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class KeysModule {}
