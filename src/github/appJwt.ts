import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * The JWT a GitHub App authenticates with (RS256, signed with the App's private key): `iss` the App
 * id, `iat` 60 s in the past against clock drift, `exp` 9 minutes ahead (GitHub refuses more than
 * 10). Only ever exchanged for an installation token; node's crypto signs it, no JWT library needed.
 */
export function appJwt(appId: string, key: KeyObject | string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 9 * 60, iss: appId }));
  const keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), keyObject);
  return `${header}.${payload}.${base64url(signature)}`;
}
