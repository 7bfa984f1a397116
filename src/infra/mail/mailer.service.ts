import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
}

/**
 * Sends over the SMTP transport of `SMTP_URL` (`smtps://` for TLS, `user:pass@` for auth, query parameters for any
 * other nodemailer option). One connection per message, so a server that was down is used again as soon as it is
 * back. Short timeouts (overridable in the URL) keep a dead server from holding a worker.
 */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly transport: Transporter;
  private readonly from: string;
  private readonly logger = new Logger(MailerService.name);

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'smtpUrl' | 'mailFrom'>) {
    this.transport = createTransport({
      url: config.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.from = config.mailFrom;
  }

  /**
   * Resolves once the server accepted the message; throws when it did not (no connection, refused, every recipient
   * rejected), so the job retries. A message accepted for some recipients only is not retried: that would send it
   * again to those who already have it.
   */
  async send(message: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject.replace(/[\r\n]+/g, ' '),
      text: message.text,
      html: message.html,
    });
    const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
    if (rejected.length > 0) this.logger.warn({ rejected: rejected.length }, 'SMTP server rejected some recipients');
  }

  /** Resolves when the server answers and accepts our login, so a caller can hold back work until it can send. */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
