import { Global, Module } from '@nestjs/common';
import { ResourceRegistry } from './resource-registry';
import { ScopeDirectory } from './scope-directory';

@Global()
@Module({ providers: [ResourceRegistry, ScopeDirectory], exports: [ResourceRegistry, ScopeDirectory] })
export class ResourcesModule {}
