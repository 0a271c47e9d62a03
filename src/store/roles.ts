import { normaliseRole } from '../domain/roles.js';
import { prepared, type Db } from './db.js';

export async function assignRole(db: Db, runId: number, role: string, userId: string, by: string, now: number): Promise<boolean> {
  const info = await prepared(
    db,
    'INSERT INTO run_roles (run_id, role, user_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  ).run(runId, normaliseRole(role), userId, by, now);
  return info.changes === 1;
}

export async function unassignRole(db: Db, runId: number, role: string, userId: string): Promise<boolean> {
  return (
    (await prepared(db, 'DELETE FROM run_roles WHERE run_id = ? AND role = ? AND user_id = ?').run(runId, normaliseRole(role), userId)).changes === 1
  );
}

export async function listRoles(db: Db, runId: number): Promise<Record<string, string[]>> {
  const rows = (await prepared(db, 'SELECT role, user_id FROM run_roles WHERE run_id = ? ORDER BY role, assigned_at, user_id').all(runId)) as Array<{
    role: string;
    user_id: string;
  }>;
  const roles: Record<string, string[]> = {};
  for (const row of rows) (roles[row.role] ??= []).push(row.user_id);
  return roles;
}
