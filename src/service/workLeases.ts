/**
 * The terms background work is claimed under (store/leases.ts), for the loops in src/jobs, which
 * do not reach the store: how long a lease lasts, and this process's replica id.
 */
export { LEASE_MS, PROCESS_REPLICA } from '../store/leases.js';
