/**
 * Approver identity is an email address: one person must not count twice (or approve their own request) through a
 * change of case or stray spaces, so addresses are stored trimmed and lower-cased, without duplicates.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function normalizeEmails(emails: readonly string[]): string[] {
  return [...new Set(emails.map(normalizeEmail))];
}
