import { describe, expect, it } from 'vitest';
import { assignRole, listRoles, unassignRole } from '../../src/store/roles.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

describe('run roles', () => {
  it('assigns a person to a role once: the second assignment changes nothing', async () => {
    const db = openDb();
    const runId = await addRun(db);
    expect(await assignRole(db, runId, 'approver', 'U0ALICE', 'U0LEAD', T0)).toBe(true);
    expect(await assignRole(db, runId, 'approver', 'U0ALICE', 'U0LEAD', T0 + 1)).toBe(false);
    expect(await listRoles(db, runId)).toEqual({ approver: ['U0ALICE'] });
  });

  it('stores a role under its normal name, so spellings of one role are one role', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await assignRole(db, runId, '  Approvers ', 'U0ALICE', 'U0LEAD', T0);
    await assignRole(db, runId, 'approver', 'U0BOB', 'U0LEAD', T0 + 1);
    expect(await listRoles(db, runId)).toEqual({ approver: ['U0ALICE', 'U0BOB'] });
  });

  it('unassigns a person, and says so only when they had the role', async () => {
    const db = openDb();
    const runId = await addRun(db);
    await assignRole(db, runId, 'lead', 'U0ALICE', 'U0LEAD', T0);
    expect(await unassignRole(db, runId, 'Leads', 'U0ALICE')).toBe(true);
    expect(await unassignRole(db, runId, 'lead', 'U0ALICE')).toBe(false);
    expect(await listRoles(db, runId)).toEqual({});
  });
});
