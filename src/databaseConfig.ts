import { z } from 'zod';

/**
 * DATABASE_URL: set → PostgreSQL (several replicas may share it); unset → SQLite at DATABASE_PATH.
 * Checked like every other variable (loadConfig), and its message never echoes the value: the URL
 * holds the database password.
 */
export const databaseUrlSchema = z
  .string()
  .refine(
    isPostgresUrl,
    'DATABASE_URL must be a PostgreSQL connection URL such as postgres://deployday:PASSWORD@db.example.com:5432/deployday (or unset for SQLite at DATABASE_PATH)',
  );

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** The URL's password, as written and percent-decoded: neither may reach a log line. */
export function databaseSecretsOf(databaseUrl: string | null | undefined): string[] {
  if (!databaseUrl) return [];
  try {
    const { password } = new URL(databaseUrl);
    if (!password) return [];
    return [...new Set([password, safeDecode(password)])];
  } catch {
    return [];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
