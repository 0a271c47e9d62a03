import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';

/**
 * Leases (migrations/018_leases.sql): background work is claimed, never owned by a process. Every
 * replica runs the reminder poller, the outbox workers and the message sync; a claim writes who
 * took the row (`leased_by`, the replica id) and until when (`lease_until`). The worker renews its
 * leases while its call is in flight (jobs/leaseRenewer.ts); a row whose lease ran out belongs to a
 * replica that died, and any replica may claim it. On PostgreSQL the claims take their rows
 * `FOR UPDATE SKIP LOCKED` (db.skipLocked), so two replicas claiming at once never get the same row.
 */

/** How long a claim holds its rows unless renewed; a worker renews every LEASE_MS / 3 while it works. */
export const LEASE_MS = 15_000;

/** A replica id: random, new at every start, so a restarted process holds none of its predecessor's leases. */
export function newReplicaId(): string {
  return randomBytes(6).toString('hex');
}

/** This process's replica id, made when it started; shown in the start log line and /healthz. */
export const PROCESS_REPLICA = newReplicaId();

/**
 * Who claims, and when on the wall clock. Not the bot's clock: a lease says whether a process is
 * still alive, in real seconds, while the bot's clock may be fixed or accelerated (tests,
 * rehearsals), where a lease in its time could run out while the call it covers is in flight.
 */
export interface Lease {
  by: string;
  /** Epoch ms, wall clock. */
  now: number;
  ms: number;
}

export const leaseOf = (by: string = PROCESS_REPLICA, now: number = Date.now(), ms: number = LEASE_MS): Lease => ({ by, now, ms });

/** The SQL parameters every claim and renewal takes from a lease. */
export const leaseParams = (lease: Lease): { by: string; leaseNow: number; leaseUntil: number } => ({
  by: lease.by,
  leaseNow: lease.now,
  leaseUntil: lease.now + lease.ms,
});

/** A row's lease has run out (or it never had one): any replica may take it. */
export const LEASE_EXPIRED = 'COALESCE(lease_until, 0) < @leaseNow';

/**
 * What a starting replica may take back: rows whose lease ran out, or, when `@everything` is 1,
 * every row (see everyLeaseIsStaleAtStart).
 */
export const RELEASABLE_AT_START = '(@everything = 1 OR COALESCE(lease_until, 0) < @leaseNow)';

/**
 * 1 when every lease a starting process finds is a dead process's: on SQLite one process owns the
 * database file, so whatever is claimed was its previous process's, and waiting for those leases to
 * run out would only delay their work. 0 on PostgreSQL, where other replicas hold live ones.
 */
export const everyLeaseIsStaleAtStart = (db: Db): 0 | 1 => (db.engine === 'sqlite' ? 1 : 0);
