import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';

/** The only code on service_secrets: keys made once per deployment and shared by every process. */
@Injectable()
export class ServiceSecretsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The secret called `name`, made of `bytes` random bytes by whichever process asks first; every process gets the
   * same value (insert-if-absent, then read).
   */
  async getOrCreate(name: string, bytes: number): Promise<Uint8Array> {
    await this.prisma.serviceSecret.createMany({ data: [{ name, value: new Uint8Array(randomBytes(bytes)) }], skipDuplicates: true });
    const row = await this.prisma.serviceSecret.findUniqueOrThrow({ where: { name }, select: { value: true } });
    return new Uint8Array(row.value);
  }
}
