import { describe, it, expect } from 'vitest';
import { APPROVER, holdsAnyRole, holdsRole, LEAD, normaliseRole, ONCALL } from '../../src/domain/roles.js';

describe('normaliseRole', () => {
  it.each([
    ['DevOps Lead', 'devops lead'],
    ['  QA   Lead ', 'qa lead'],
    ['qa\tlead', 'qa lead'],
    ['APPROVER', 'approver'],
    ['On-Call', 'on-call'],
  ])('reads %j as %j', (input, expected) => {
    expect(normaliseRole(input)).toBe(expected);
  });

  it('leaves the built-in role names as they are', () => {
    expect([LEAD, APPROVER, ONCALL].map(normaliseRole)).toEqual(['lead', 'approver', 'on-call']);
  });
});

describe('holdsRole', () => {
  const roles = { lead: ['U0LEAD001'], 'qa lead': ['U0QA00001', 'U0QA00002'] };

  it('is true for a holder of the role, however the role is written', () => {
    expect(holdsRole(roles, 'QA  Lead', 'U0QA00002')).toBe(true);
    expect(holdsRole(roles, ' Lead', 'U0LEAD001')).toBe(true);
  });

  it('is false for someone who does not hold the role', () => {
    expect(holdsRole(roles, 'qa lead', 'U0LEAD001')).toBe(false);
  });

  it('is false for a role nobody holds', () => {
    expect(holdsRole(roles, 'approver', 'U0LEAD001')).toBe(false);
  });
});

describe('holdsAnyRole', () => {
  const roles = { lead: ['U0LEAD001'], approver: ['U0APPR001'] };

  it('is true when the person holds one of the wanted roles', () => {
    expect(holdsAnyRole(roles, ['Lead', 'Approver'], 'U0APPR001')).toBe(true);
  });

  it('is false when the person holds none of them', () => {
    expect(holdsAnyRole(roles, ['approver'], 'U0LEAD001')).toBe(false);
    expect(holdsAnyRole(roles, [], 'U0LEAD001')).toBe(false);
  });
});
