import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { prepared, type Db } from './db.js';
import type { TokenCipher } from './tokenCipher.js';

/**
 * The OAuth installation store (migration 014). One row per tenant: a workspace, or a whole
 * Enterprise Grid org for an org-wide install. The installation (every token in it) is kept only
 * sealed; the clear columns hold ids and the expiry that rotation needs.
 */

/** 'E:<enterprise>' for an org-wide install, 'T:<team>' otherwise: the row key and the seal's associated data. */
export function tenantKeyOf(query: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string {
  if (query.isEnterpriseInstall) {
    if (!query.enterpriseId) throw new Error('an org-wide installation needs its enterprise id');
    return `E:${query.enterpriseId}`;
  }
  if (!query.teamId) throw new Error('a workspace installation needs its team id');
  return `T:${query.teamId}`;
}

function keyOfInstallation(installation: Installation): string {
  return tenantKeyOf({
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
    enterpriseId: installation.enterprise?.id,
    teamId: installation.team?.id,
  });
}

/** Stores (or replaces, on a reinstall or a token refresh) an installation; returns its tenant key. */
export async function saveInstallation(db: Db, cipher: TokenCipher, installation: Installation, now: number): Promise<string> {
  const key = keyOfInstallation(installation);
  await prepared(
    db,
    `INSERT INTO installations (tenant_key, team_id, enterprise_id, is_enterprise_install, bot_id, bot_user_id, bot_token_expires_at, sealed, installed_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant_key) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
       is_enterprise_install = excluded.is_enterprise_install, bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id,
       bot_token_expires_at = excluded.bot_token_expires_at, sealed = excluded.sealed, updated_at = excluded.updated_at`,
  ).run(
    key,
    installation.team?.id ?? null,
    installation.enterprise?.id ?? null,
    installation.isEnterpriseInstall === true ? 1 : 0,
    installation.bot?.id ?? null,
    installation.bot?.userId ?? null,
    // @slack/oauth keeps expiresAt in seconds since the epoch; the database keeps ms like every other time.
    installation.bot?.expiresAt !== undefined ? installation.bot.expiresAt * 1000 : null,
    cipher.seal(JSON.stringify(installation), key),
    now,
    now,
  );
  return key;
}

/** The installation for a tenant, opened; null when there is none. Throws SealedValueError on a wrong key or a tampered row. */
export async function findInstallation(db: Db, cipher: TokenCipher, tenantKey: string): Promise<Installation | null> {
  const row = (await prepared(db, 'SELECT sealed FROM installations WHERE tenant_key = ?').get(tenantKey)) as { sealed: string } | undefined;
  return row ? (JSON.parse(cipher.open(row.sealed, tenantKey)) as Installation) : null;
}

/** Whether a workspace, or its whole org (an org-wide install), has the app installed. */
export async function hasInstallation(db: Db, teamId: string | null, enterpriseId: string | null): Promise<boolean> {
  const keys = [teamId ? `T:${teamId}` : null, enterpriseId ? `E:${enterpriseId}` : null].filter((k): k is string => k !== null);
  for (const key of keys) {
    if ((await prepared(db, 'SELECT 1 FROM installations WHERE tenant_key = ?').get(key)) !== undefined) return true;
  }
  return false;
}

/** Removes a tenant's installation; true when there was one. */
export async function removeInstallation(db: Db, tenantKey: string): Promise<boolean> {
  return (await prepared(db, 'DELETE FROM installations WHERE tenant_key = ?').run(tenantKey)).changes > 0;
}

export interface InstallationSummary {
  tenantKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botTokenExpiresAt: number | null;
}

/** Every installation's ids (no secrets): for the background loops that act per tenant. */
export async function listInstallations(db: Db): Promise<InstallationSummary[]> {
  const rows = (await prepared(
    db,
    'SELECT tenant_key, team_id, enterprise_id, is_enterprise_install, bot_token_expires_at FROM installations ORDER BY tenant_key',
  ).all()) as Array<{
    tenant_key: string;
    team_id: string | null;
    enterprise_id: string | null;
    is_enterprise_install: number;
    bot_token_expires_at: number | null;
  }>;
  return rows.map((r) => ({
    tenantKey: r.tenant_key,
    teamId: r.team_id,
    enterpriseId: r.enterprise_id,
    isEnterpriseInstall: r.is_enterprise_install === 1,
    botTokenExpiresAt: r.bot_token_expires_at,
  }));
}

/** The store Bolt's InstallProvider reads and writes, over the functions above. */
export function createInstallationStore(db: Db, cipher: TokenCipher, now: () => number): InstallationStore {
  return {
    async storeInstallation(installation) {
      await saveInstallation(db, cipher, installation as Installation, now());
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = tenantKeyOf(query);
      const found = await findInstallation(db, cipher, key);
      // Bolt answers the request with "not authorized" when this throws; the message names no secret.
      if (!found) throw new Error(`no installation for ${key}`);
      return found;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await removeInstallation(db, tenantKeyOf(query));
    },
  };
}
