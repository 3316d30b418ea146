import type { Redis } from 'ioredis';

/**
 * Each node's subscribers on `channel`, in the order of `admins`. PUBSUB NUMSUB counts a
 * node's own subscribers only (a PUBLISH reaches every node of a cluster), and a SUBSCRIBE
 * the library sends is not awaited by it: tests poll this before a publish that must be heard.
 */
export function subscriberCounts(admins: readonly Redis[], channel: string): Promise<number[]> {
  return Promise.all(admins.map(async (admin) => Number(((await admin.pubsub('NUMSUB', channel)) as [string, number])[1])));
}
