import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  createInstallationStore,
  findInstallation,
  listInstallations,
  removeInstallation,
  saveInstallation,
  tenantKeyOf,
} from '../../src/store/installations.js';
import { createTokenCipher, SealedValueError } from '../../src/store/tokenCipher.js';
import { databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();
const cipher = createTokenCipher(randomBytes(32));

function workspaceInstall(teamId: string, token: string, extra: Partial<Installation> = {}): Installation {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
    bot: { token, scopes: ['commands', 'chat:write'], id: `B${teamId}`, userId: `U${teamId}` },
    isEnterpriseInstall: false,
    ...extra,
  } as Installation;
}

function orgInstall(enterpriseId: string, token: string): Installation {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: 'Grid' },
    user: { id: 'U0ADMIN', token: undefined, scopes: undefined },
    bot: { token, scopes: ['commands'], id: 'B0ORG', userId: 'U0ORGBOT' },
    isEnterpriseInstall: true,
  } as Installation;
}

describe('installation store', () => {
  it('gives back each workspace its own token, and no other', async () => {
    const db = openDb();
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxb-team-a'), T0);
    await saveInstallation(db, cipher, workspaceInstall('T0BBB', 'xoxb-team-b'), T0);
    expect((await findInstallation(db, cipher, 'T:T0AAA'))?.bot?.token).toBe('xoxb-team-a');
    expect((await findInstallation(db, cipher, 'T:T0BBB'))?.bot?.token).toBe('xoxb-team-b');
    expect(await findInstallation(db, cipher, 'T:T0CCC')).toBeNull();
  });

  it('keeps no token in clear anywhere in the row', async () => {
    const db = openDb();
    await saveInstallation(
      db,
      cipher,
      workspaceInstall('T0AAA', 'xoxb-secret-bot', { user: { id: 'U1', token: 'xoxp-secret-user', scopes: [] } } as Partial<Installation>),
      T0,
    );
    const row = JSON.stringify(await db.prepare('SELECT * FROM installations').all());
    expect(row).not.toContain('xoxb-secret-bot');
    expect(row).not.toContain('xoxp-secret-user');
    expect(row).toContain('T0AAA');
  });

  it('refuses to open a row with another key, and says why without the value', async () => {
    const db = openDb();
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxb-team-a'), T0);
    const otherKey = createTokenCipher(randomBytes(32));
    await expect(findInstallation(db, otherKey, 'T:T0AAA')).rejects.toThrow(SealedValueError);
    await expect(findInstallation(db, otherKey, 'T:T0AAA')).rejects.toThrow(/wrong DEPLOYDAY_ENCRYPTION_KEY/);
  });

  it("refuses a sealed token copied onto another tenant's row", async () => {
    const db = openDb();
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxb-team-a'), T0);
    await saveInstallation(db, cipher, workspaceInstall('T0BBB', 'xoxb-team-b'), T0);
    await db
      .prepare("UPDATE installations SET sealed = (SELECT sealed FROM installations WHERE tenant_key = 'T:T0AAA') WHERE tenant_key = 'T:T0BBB'")
      .run();
    await expect(findInstallation(db, cipher, 'T:T0BBB')).rejects.toThrow(SealedValueError);
  });

  it('replaces an installation on reinstall or token refresh, keeping when it was first installed', async () => {
    const db = openDb();
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxe.xoxb-old'), T0);
    const refreshed = workspaceInstall('T0AAA', 'xoxe.xoxb-new');
    refreshed.bot!.refreshToken = 'xoxe-1-refresh';
    refreshed.bot!.expiresAt = T0 / 1000 + 43_200;
    await saveInstallation(db, cipher, refreshed, T0 + 1000);
    expect((await findInstallation(db, cipher, 'T:T0AAA'))?.bot).toMatchObject({ token: 'xoxe.xoxb-new', refreshToken: 'xoxe-1-refresh' });
    expect(await db.prepare('SELECT installed_at, updated_at FROM installations').get()).toEqual({ installed_at: T0, updated_at: T0 + 1000 });
    expect(await listInstallations(db)).toEqual([
      { tenantKey: 'T:T0AAA', teamId: 'T0AAA', enterpriseId: null, isEnterpriseInstall: false, botTokenExpiresAt: T0 + 43_200_000 },
    ]);
  });

  it('keeps an org-wide install under its enterprise, apart from a workspace install in the same org', async () => {
    const db = openDb();
    await saveInstallation(db, cipher, orgInstall('E0GRID', 'xoxb-org'), T0);
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxb-team-a', { enterprise: { id: 'E0GRID', name: 'Grid' } }), T0);
    expect(tenantKeyOf({ isEnterpriseInstall: true, enterpriseId: 'E0GRID', teamId: undefined })).toBe('E:E0GRID');
    expect((await findInstallation(db, cipher, 'E:E0GRID'))?.bot?.token).toBe('xoxb-org');
    expect((await findInstallation(db, cipher, 'T:T0AAA'))?.bot?.token).toBe('xoxb-team-a');
  });

  it("removes one tenant's installation and leaves the others", async () => {
    const db = openDb();
    await saveInstallation(db, cipher, workspaceInstall('T0AAA', 'xoxb-team-a'), T0);
    await saveInstallation(db, cipher, workspaceInstall('T0BBB', 'xoxb-team-b'), T0);
    expect(await removeInstallation(db, 'T:T0AAA')).toBe(true);
    expect(await removeInstallation(db, 'T:T0AAA')).toBe(false);
    expect((await listInstallations(db)).map((i) => i.tenantKey)).toEqual(['T:T0BBB']);
  });

  it("serves Bolt's InstallationStore: store, fetch by query, a clear refusal for an unknown team, delete", async () => {
    const db = openDb();
    const store = createInstallationStore(db, cipher, () => T0);
    await store.storeInstallation(workspaceInstall('T0AAA', 'xoxb-team-a'));
    await store.storeInstallation(orgInstall('E0GRID', 'xoxb-org'));
    const a = await store.fetchInstallation({ teamId: 'T0AAA', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(a.bot?.token).toBe('xoxb-team-a');
    const org = await store.fetchInstallation({ teamId: undefined, enterpriseId: 'E0GRID', isEnterpriseInstall: true });
    expect(org.bot?.token).toBe('xoxb-org');
    await expect(store.fetchInstallation({ teamId: 'T0ZZZ', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(
      'no installation for T:T0ZZZ',
    );
    await store.deleteInstallation!({ teamId: undefined, enterpriseId: 'E0GRID', isEnterpriseInstall: true });
    expect((await listInstallations(db)).map((i) => i.tenantKey)).toEqual(['T:T0AAA']);
  });
});
