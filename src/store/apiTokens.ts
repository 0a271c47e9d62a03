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
export async function insertApiToken(
  db: Db,
  token: { name: string; hash: string; channelId: string; teamId: string | null; checklistName: string | null; createdBy: string; now: number },
): Promise<number | null> {
  const row = (await prepared(
    db,
    `INSERT INTO api_tokens (name, token_hash, channel_id, team_id, checklist_name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING RETURNING id`,
  ).get(token.name, token.hash, token.channelId, token.teamId, token.checklistName, token.createdBy, token.now)) as { id: number } | undefined;
  return row ? row.id : null;
}

/** The live token with this hash, if any. */
export async function findLiveApiToken(db: Db, hash: string): Promise<ApiTokenRow | null> {
  const row = (await prepared(db, `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`).get(hash)) as Row | undefined;
  return row ? toToken(row) : null;
}

export async function listLiveApiTokens(db: Db, channelId: string): Promise<ApiTokenRow[]> {
  return (
    (await prepared(db, `SELECT ${COLUMNS} FROM api_tokens WHERE channel_id = ? AND revoked_at IS NULL ORDER BY name`).all(channelId)) as Row[]
  ).map(toToken);
}

/** Revokes the live token of that name in the channel; false when there is none. */
export async function revokeApiToken(db: Db, channelId: string, name: string, by: string, now: number): Promise<boolean> {
  return (
    (
      await prepared(db, 'UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE channel_id = ? AND name = ? AND revoked_at IS NULL').run(
        now,
        by,
        channelId,
        name,
      )
    ).changes === 1
  );
}

export interface StoredAnswer {
  request: string;
  status: number;
  body: string;
}

export async function findIdempotentAnswer(db: Db, tokenId: number, key: string): Promise<StoredAnswer | null> {
  return (
    ((await prepared(db, 'SELECT request, status, body FROM api_idempotency WHERE token_id = ? AND idem_key = ?').get(tokenId, key)) as
      | StoredAnswer
      | undefined) ?? null
  );
}

export async function saveIdempotentAnswer(db: Db, tokenId: number, key: string, answer: StoredAnswer, now: number): Promise<void> {
  await prepared(db, 'INSERT INTO api_idempotency (token_id, idem_key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    tokenId,
    key,
    answer.request,
    answer.status,
    answer.body,
    now,
  );
}
