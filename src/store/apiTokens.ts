import { prepared, type Db } from './db.js';

export interface ApiTokenRow {
  id: number;
  name: string;
  channelId: string;
  /** The workspace the token was minted in: it reaches that workspace's runs only. */
  teamId: string | null;
  checklistName: string | null;
  createdBy: string;
  createdAt: number;
}

interface Row {
  id: number;
  name: string;
  channel_id: string;
  team_id: string | null;
  checklist_name: string | null;
  created_by: string;
  created_at: number;
}

const COLUMNS = 'id, name, channel_id, team_id, checklist_name, created_by, created_at';

function toToken(row: Row): ApiTokenRow {
  return {
    id: row.id,
    name: row.name,
    channelId: row.channel_id,
    teamId: row.team_id,
    checklistName: row.checklist_name,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** Returns null when a live token of that name already exists in the channel. */
export function insertApiToken(
  db: Db,
  token: { name: string; hash: string; channelId: string; teamId: string | null; checklistName: string | null; createdBy: string; now: number },
): number | null {
  const info = prepared(
    db,
    `INSERT INTO api_tokens (name, token_hash, channel_id, team_id, checklist_name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  ).run(token.name, token.hash, token.channelId, token.teamId, token.checklistName, token.createdBy, token.now);
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

/** The live token with this hash, if any. */
export function findLiveApiToken(db: Db, hash: string): ApiTokenRow | null {
  const row = prepared(db, `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`).get(hash) as Row | undefined;
  return row ? toToken(row) : null;
}

export function listLiveApiTokens(db: Db, channelId: string): ApiTokenRow[] {
  return (prepared(db, `SELECT ${COLUMNS} FROM api_tokens WHERE channel_id = ? AND revoked_at IS NULL ORDER BY name`).all(channelId) as Row[]).map(
    toToken,
  );
}

/** Revokes the live token of that name in the channel; false when there is none. */
export function revokeApiToken(db: Db, channelId: string, name: string, by: string, now: number): boolean {
  return (
    prepared(db, 'UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE channel_id = ? AND name = ? AND revoked_at IS NULL').run(
      now,
      by,
      channelId,
      name,
    ).changes === 1
  );
}

export interface StoredAnswer {
  request: string;
  status: number;
  body: string;
}

export function findIdempotentAnswer(db: Db, tokenId: number, key: string): StoredAnswer | null {
  return (
    (prepared(db, 'SELECT request, status, body FROM api_idempotency WHERE token_id = ? AND idem_key = ?').get(tokenId, key) as
      | StoredAnswer
      | undefined) ?? null
  );
}

export function saveIdempotentAnswer(db: Db, tokenId: number, key: string, answer: StoredAnswer, now: number): void {
  prepared(db, 'INSERT INTO api_idempotency (token_id, idem_key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    tokenId,
    key,
    answer.request,
    answer.status,
    answer.body,
    now,
  );
}
