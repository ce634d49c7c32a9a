import { randomBytes } from 'node:crypto';

/** Redis for tests: the machine's server, and a queue prefix no other test file uses. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueQueuePrefix(label: string): string {
  return `t-${label.replace(/[^A-Za-z0-9]/g, '-').slice(0, 24)}-${randomBytes(4).toString('hex')}`;
}
