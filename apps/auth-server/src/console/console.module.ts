import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/** The web console's static files and runtime configuration (apps/console). */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
