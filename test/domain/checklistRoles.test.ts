import { describe, expect, it } from 'vitest';
import { checklistCounts, describeCounts } from '../../src/domain/checklistCounts.js';
import { namedRoles, rolesNobodyHolds } from '../../src/domain/namedRoles.js';
import { isPlaceholderId } from '../../src/domain/placeholderIds.js';
import { gatedRelease, snapshotOf } from './domainFixtures.js';

describe('isPlaceholderId', () => {
  it.each(['U0000APPR1', 'W0000OWN2', 'U00000000', 'U0XXXX', 'UPLACEHOLDER', 'U12345678', 'UCHANGEME1', 'U11111111'])('flags %s', (id) => {
    expect(isPlaceholderId(id)).toBe(true);
  });

  it.each(['U012ABCDEF', 'W0A1B2C3D4', 'U0ALICE', 'U0APPR001', 'U07QK2M3NX'])('leaves a real-looking id alone: %s', (id) => {
    expect(isPlaceholderId(id)).toBe(false);
  });
});

describe('namedRoles and rolesNobodyHolds', () => {
  it('lists the roles of the front matter, the gates (the approver role by default) and the sign-offs, each once', () => {
    const checklist = gatedRelease({ roles: { SRE: [] }, gates: [{ match: 'widen', approvers: ['release lead', 'approver'], quorum: 2 }] });
    expect(namedRoles(checklist)).toEqual(['sre', 'approver', 'release lead', 'qa lead']);
  });

  it('says which of them nobody holds on a run', () => {
    const checklist = gatedRelease({ roles: { sre: [] } });
    expect(rolesNobodyHolds(snapshotOf(checklist, { roles: { lead: ['U0LEAD001'], approver: ['U0APPR001'] } }))).toEqual(['sre', 'qa lead']);
  });
});

describe('checklistCounts', () => {
  it('counts the items of the normal run and the rollback steps apart', () => {
    const counts = checklistCounts(gatedRelease());
    expect(counts).toMatchObject({ phases: 4, sections: 7, items: 8, signoffs: 1, gates: 2, rollbackPhases: 1, rollbackItems: 2 });
    expect(describeCounts(counts)).toBe('4 phases, 7 sections, 8 items (1 sign-off, 2 gates), 0 timed sections, 1 rollback phase (2 steps)');
  });
});
