import { Global, Injectable, Module } from '@nestjs/common';

/** Process-wide state the health check reports: `draining` once a shutdown signal arrived. */
@Injectable()
export class Lifecycle {
  draining = false;
}

@Global()
@Module({ providers: [Lifecycle], exports: [Lifecycle] })
export class LifecycleModule {}
