import { lookup } from 'node:dns/promises';
import { invalidInput } from '@/common/errors/domain-error';
import { isPrivateAddress, literalAddress } from '@/modules/notifications/outbound-address';

/** A creation must answer promptly even when DNS does not: an unanswered lookup is left to the delivery's check. */
const LOOKUP_TIMEOUT_MS = 2000;

async function resolved(hostname: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS)));
  try {
    return await Promise.race([lookup(hostname, { all: true }).then((entries) => entries.map((e) => e.address)), timeout]);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The receiver check of deliveries (outbound-address.ts), at `POST`/`PATCH` of a Slack or webhook channel: a URL
 * whose host is, or resolves to, a loopback, private, link-local, carrier-grade NAT, multicast or reserved address
 * is `400 invalid_input` naming `config.url`, instead of a channel that fails at every delivery. A name that does
 * not resolve now is accepted (DNS may be down); every delivery checks the address it connects to anyway.
 */
export async function assertPublicReceiver(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return;
  }
  const literal = literalAddress(hostname);
  const addresses = literal ? [literal] : await resolved(hostname);
  const refused = addresses.find((address) => isPrivateAddress(address));
  if (refused === undefined) return;
  const problem = `config.url must reach a public address (${hostname} is ${refused}); set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true for receivers inside your network`;
  throw invalidInput('Invalid config.url', { fields: { 'config.url': [problem] } });
}

/** The receiver URL a channel request carries, if any (`config.url` of Slack and webhook channels). */
export function receiverUrlOf(config: unknown): string | null {
  const url = (config as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' ? url : null;
}
