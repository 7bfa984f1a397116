import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { conflict, notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, PageQuery, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { CreateEmailListDto } from './dto/create-email-list.dto';
import { UpdateEmailListDto } from './dto/update-email-list.dto';
import { EmailListView, toEmailListView } from './email-list.types';
import { EmailListsRepository } from './email-lists.repository';
import { normalizeEmails } from './emails';

@Injectable()
export class EmailListsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lists: EmailListsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(tenantId: string, dto: CreateEmailListDto, actor: Actor): Promise<EmailListView> {
    const list = await this.prisma.$transaction(async (tx) => {
      const created = await this.lists.create(tx, tenantId, { name: dto.name, emails: normalizeEmails(dto.emails) });
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.created',
        targetType: 'email_list',
        targetId: created.id,
        data: { name: created.name, emails: created.emails },
      });
      return created;
    });
    return toEmailListView(list);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<EmailListView>> {
    const limit = pageSize(query);
    return toPage(await this.lists.list(tenantId, limit + 1, decodeCursor(query.cursor)), limit, toEmailListView);
  }

  async get(tenantId: string, id: string): Promise<EmailListView> {
    const list = await this.lists.find(tenantId, id);
    if (!list) throw notFound('Email list');
    return toEmailListView(list);
  }

  async update(tenantId: string, id: string, dto: UpdateEmailListDto, actor: Actor): Promise<EmailListView> {
    const list = await this.prisma.$transaction(async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Email list');
      const changes: { name?: string; emails?: string[] } = {};
      if (dto.name !== undefined && dto.name !== current.name) changes.name = dto.name;
      const emails = dto.emails && normalizeEmails(dto.emails);
      if (emails && emails.join('\n') !== current.emails.join('\n')) changes.emails = emails;
      if (Object.keys(changes).length === 0) return current;
      const updated = await this.lists.update(tx, tenantId, id, changes);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.updated',
        targetType: 'email_list',
        targetId: id,
        data: { changes, previous: { name: current.name, emails: current.emails } },
      });
      return updated;
    });
    return toEmailListView(list);
  }

  async remove(tenantId: string, id: string, actor: Actor): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.lists.findForUpdate(tx, tenantId, id);
      if (!current) throw notFound('Email list');
      const policyIds = await this.lists.policiesUsing(tx, tenantId, id);
      if (policyIds.length > 0) {
        throw conflict('The email list is used by approval groups of policies', { policy_ids: policyIds });
      }
      await this.lists.delete(tx, tenantId, id);
      await this.audit.append(tx, tenantId, {
        actor,
        action: 'email_list.deleted',
        targetType: 'email_list',
        targetId: id,
        data: { name: current.name, emails: current.emails },
      });
    });
  }
}
