import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, driftMs } from '../../src/index.js';
import { startOtel, sumWhere, type OtelHarness } from '../helpers/otel.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, withServers } from './helpers/servers.js';

const TTL_MS = 2_000;

// redquorum/otel on the library's own channel events, against real redis-servers, into
// the OTel SDK's in-memory span and metric exporters.
describe('redquorum/otel on real servers', () => {
  const fx = withServers(3);
  resetAfterEach(fx);
  let otel: OtelHarness;
  beforeEach(() => {
    otel = startOtel();
  });
  afterEach(async () => {
    await otel.shutdown();
  });

  it('records acquire, extend and release as spans with votes, validity and fence, and their metrics', async () => {
    const redlock = new Redlock(fx.clients, { fencing: true, retryCount: 0 });
    const startMs = performance.now();
    const lock = await redlock.acquire(['otel'], TTL_MS);
    const acquireMs = performance.now() - startMs;
    const extended = await lock.extend(TTL_MS);
    await extended.release();

    const spans = otel.spans();
    expect(spans.map((span) => span.name)).toEqual(['redquorum.acquire', 'redquorum.extend', 'redquorum.release']);
    const acquire = spans[0];
    expect(acquire?.attributes['redquorum.resources']).toEqual(['otel']);
    expect(acquire?.attributes['redquorum.attempts']).toBe(1);
    expect(acquire?.attributes['redquorum.votes_for']).toBeGreaterThanOrEqual(2);
    expect(acquire?.attributes['redquorum.fence']).toBe(lock.fence?.toString());
    const validityMs = acquire?.attributes['redquorum.validity_ms'] as number;
    expect(validityMs).toBeLessThanOrEqual(TTL_MS - driftMs(TTL_MS, redlock.settings.driftFactor));
    expect(validityMs).toBeGreaterThan(TTL_MS - driftMs(TTL_MS, redlock.settings.driftFactor) - acquireMs - 1);

    expect(sumWhere(await otel.points('redquorum.operation.duration'), { 'redquorum.operation': 'acquire', 'redquorum.outcome': 'success' })).toBe(1);
    expect(sumWhere(await otel.points('redquorum.extensions'), { 'redquorum.outcome': 'success' })).toBe(1);
    const [validity] = await otel.points('redquorum.acquire.validity');
    expect(validity?.value).toMatchObject({ count: 1, sum: validityMs / 1000 });
    expect(sumWhere(await otel.points('redquorum.votes'), { 'redquorum.operation': 'acquire', 'redquorum.vote': 'for' })).toBe(acquire?.attributes['redquorum.votes_for']);
  });

  it('records a refused acquire as a failed span with its votes against and attempts', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 1, retryDelay: 10, retryJitter: 0 });
    const held = await redlock.acquire(['otel-held'], TTL_MS);
    const failure = await rejection(redlock.acquire(['otel-held'], TTL_MS));
    expect(failure).toBeInstanceOf(ExecutionError);
    await held.release();
    const refused = otel.spans()[1];
    expect(refused?.name).toBe('redquorum.acquire');
    expect(refused?.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused?.attributes['redquorum.attempts']).toBe(2);
    expect(refused?.attributes['redquorum.votes_against']).toBeGreaterThanOrEqual(2);
    expect(refused?.attributes['error.type']).toBe('ExecutionError');
    expect(sumWhere(await otel.points('redquorum.operation.duration'), { 'redquorum.operation': 'acquire', 'redquorum.outcome': 'failure' })).toBe(1);
    const attempts = (await otel.points('redquorum.operation.attempts')).find((point) => point.attributes['redquorum.outcome'] === 'failure');
    expect(attempts?.value).toMatchObject({ count: 1, sum: 2 });
  });

  it('counts a lock that using() lost', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 0, automaticExtensionThreshold: 200 });
    await redlock.using(['otel-lost'], 400, async (signal) => {
      // Someone else deletes the keys: the next extension fails and the routine is told.
      await fx.flushAll();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    expect(sumWhere(await otel.points('redquorum.locks.lost'), {})).toBe(1);
    expect(sumWhere(await otel.points('redquorum.extensions'), { 'redquorum.outcome': 'failure' })).toBeGreaterThanOrEqual(1);
  });
});
