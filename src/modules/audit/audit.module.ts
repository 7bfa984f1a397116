import { Global, Module } from '@nestjs/common';
import { AuditChainer } from './audit-chainer';
import { AuditController } from './audit.controller';
import { AuditPendingRepository } from './audit-pending.repository';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({ controllers: [AuditController], providers: [AuditRepository, AuditPendingRepository, AuditChainer, AuditService], exports: [AuditRepository, AuditPendingRepository, AuditChainer] })
export class AuditModule {}
