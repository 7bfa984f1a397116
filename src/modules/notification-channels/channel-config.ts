import { isEmail } from 'class-validator';
import { invalidInput } from '@/common/errors/domain-error';
import { normalizeEmails } from '@/modules/email-lists/emails';
import type { ChannelSettings, ChannelType } from './notification-channel.types';

const KEYS: Record<ChannelType, string[]> = { email: ['to'], slack: ['url'], webhook: ['url', 'secret'] };
const MAX_RECIPIENTS = 100;
const MIN_SECRET = 32;
const MAX_SECRET = 512;
const MAX_URL = 2048;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `shownBack`: the URL is returned in responses, so it must not carry credentials. */
function urlProblem(value: unknown, field: string, shownBack: boolean): string | null {
  if (typeof value !== 'string' || value.length === 0) return `${field} is required and must be a string`;
  if (value.length > MAX_URL) return `${field} must be at most ${MAX_URL} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} must be an http(s) URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${field} must be an http(s) URL`;
  if (shownBack && (url.username || url.password)) {
    return `${field} must not carry credentials (it is shown back); receivers authenticate us by the signature`;
  }
  return null;
}

function recipientsProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'config.to must be a non-empty array of email addresses';
  if (value.length > MAX_RECIPIENTS) return `config.to must hold at most ${MAX_RECIPIENTS} addresses`;
  const valid = value.every((email) => typeof email === 'string' && email.length <= 320 && isEmail(email));
  return valid ? null : 'each value in config.to must be an email address';
}

function secretProblem(value: unknown): string | null {
  const valid = typeof value === 'string' && value.length >= MIN_SECRET && value.length <= MAX_SECRET;
  return valid ? null : `config.secret is required: a string of ${MIN_SECRET} to ${MAX_SECRET} characters`;
}

function problemsOf(type: ChannelType, input: Record<string, unknown>): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const key of Object.keys(input).filter((k) => !KEYS[type].includes(k))) {
    problems[`config.${key}`] = [`config.${key} is not a setting of ${type} channels (allowed: ${KEYS[type].join(', ')})`];
  }
  const found: Record<string, string | null> =
    type === 'email'
      ? { 'config.to': recipientsProblem(input.to) }
      : type === 'slack'
        ? { 'config.url': urlProblem(input.url, 'config.url', false) }
        : { 'config.url': urlProblem(input.url, 'config.url', true), 'config.secret': secretProblem(input.secret) };
  for (const [field, problem] of Object.entries(found)) if (problem) problems[field] = [problem];
  return problems;
}

/**
 * Validates the `config` of a request for a channel of `type` (readable settings and write-only secrets together)
 * and splits it. Errors name the fields (`config.url`) in the same shape as DTO validation errors.
 */
export function parseChannelSettings(type: ChannelType, input: unknown): ChannelSettings {
  if (!isPlainObject(input)) throw invalidInput('Invalid config', { fields: { config: ['config must be an object'] } });
  const problems = problemsOf(type, input);
  const fields = Object.keys(problems);
  if (fields.length > 0) throw invalidInput(`Invalid ${fields.join(', ')}`, { fields: problems });
  switch (type) {
    case 'email':
      return { type, config: { to: normalizeEmails(input.to as string[]) }, secrets: {} };
    case 'slack':
      return { type, config: {}, secrets: { url: input.url as string } };
    case 'webhook':
      return { type, config: { url: input.url as string }, secrets: { secret: input.secret as string } };
  }
}

/** A PATCH of `config`: given keys replace, absent ones (notably the write-only secrets) are kept. */
export function mergeChannelSettings(current: ChannelSettings, patch: unknown): ChannelSettings {
  if (!isPlainObject(patch)) return parseChannelSettings(current.type, patch);
  return parseChannelSettings(current.type, { ...current.config, ...current.secrets, ...patch });
}
