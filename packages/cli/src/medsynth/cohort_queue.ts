/**
 * The cohort queue on BullMQ (Redis): `submit` puts one job per subject, `lacuna worker` runs
 * them on any number of machines that see the same storage, `status` reports done / running /
 * failed with reasons. Job ids are derived from the output path, so submitting twice adds
 * nothing; failed jobs retry with exponential back-off, then stay failed with their error.
 */
import { createHash } from 'node:crypto';
import { ConfigError, IOError } from '@lacuna/core';
import type { ConnectionOptions } from 'bullmq';

export const QUEUE_NAME = 'lacuna-medsynth-cohort';
export const JOB_NAME = 'medsynth-predict';
/** Attempts per job and the first back-off (doubling each retry). */
export const ATTEMPTS = 3;
export const BACKOFF_MS = 2000;

/** BullMQ connection options from a redis:// URL; errors name the option. */
export function redisConnection(url: string | undefined, option = '--redis'): ConnectionOptions {
  if (!url) throw new ConfigError(`${option} is required: the Redis server's URL, e.g. redis://127.0.0.1:6379 (start one with 'redis-server --bind 127.0.0.1')`, option);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${option} '${url}' is not a URL (e.g. redis://127.0.0.1:6379)`, option, url);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError(`${option} '${url}' must start with redis:// or rediss://`, option, url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`${option} '${url}': the database (path) must be a number`, option, url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers need this (blocking commands); a dead server fails fast instead of waiting forever.
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
  };
}

/** A stable job id for an output path (BullMQ ids must not contain ':'). */
export function jobIdFor(output: string): string {
  return `out-${createHash('sha1').update(output).digest('hex').slice(0, 20)}`;
}

/** Connects once, without retrying, so an unreachable server is a clear error instead of a hang. */
export async function checkRedis(url: string, connection: ConnectionOptions): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...(connection as object), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e)); // reported below, once
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new IOError(`cannot reach Redis at ${url} (${(cause ?? (e as Error)).message}); is redis-server running there?`, url);
  } finally {
    client.disconnect();
  }
}
