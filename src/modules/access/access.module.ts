import { DynamicModule, Module } from '@nestjs/common';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';

@Module({})
export class AccessModule {
  static register(grants: DynamicModule): DynamicModule {
    return { module: AccessModule, imports: [grants], controllers: [AccessController], providers: [AccessService] };
  }
}
