import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTracing, extendTracing, lostChannel, type OperationContext } from '../../../src/tracing.js';
import { startOtel, sumWhere, type OtelHarness } from '../../helpers/otel.js';

// The subscriber alone: operation contexts published on the channels by hand, in the
// order TracingChannel.tracePromise publishes them, into the SDK's in-memory exporters.
describe('redquorum/otel on hand-published channel events', () => {
  let otel: OtelHarness;
  beforeEach(() => {
    otel = startOtel();
  });
  afterEach(async () => {
    await otel.shutdown();
  });

  it('makes a span and metrics of a successful acquire', async () => {
    const context: OperationContext = { operation: 'acquire', resources: ['a', 'b'], durationMs: 5_000 };
    await acquireTracing.tracePromise(async () => {
      Object.assign(context, { attempts: 2, votesFor: 3, votesAgainst: 2, validityMs: 4_900, fence: 12n });
      return 'lock';
    }, context);
    const [span] = otel.spans();
    expect(span?.name).toBe('redquorum.acquire');
    expect(span?.attributes).toMatchObject({
      'redquorum.resources': ['a', 'b'],
      'redquorum.duration_ms': 5_000,
      'redquorum.attempts': 2,
      'redquorum.votes_for': 3,
      'redquorum.votes_against': 2,
      'redquorum.validity_ms': 4_900,
      'redquorum.fence': '12',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(sumWhere(await otel.points('redquorum.operation.duration'), { 'redquorum.operation': 'acquire', 'redquorum.outcome': 'success' })).toBe(1);
    expect(sumWhere(await otel.points('redquorum.votes'), { 'redquorum.vote': 'for' })).toBe(3);
    expect(sumWhere(await otel.points('redquorum.votes'), { 'redquorum.vote': 'against' })).toBe(2);
    const [validity] = await otel.points('redquorum.acquire.validity');
    expect(validity?.value).toMatchObject({ count: 1, sum: 4.9 });
    const [attempts] = await otel.points('redquorum.operation.attempts');
    expect(attempts?.value).toMatchObject({ count: 1, sum: 2 });
  });

  it('marks a failed operation: span status ERROR with the exception, outcome failure', async () => {
    const context: OperationContext = { operation: 'extend', resources: ['a'], durationMs: 1_000 };
    const failure = new Error('no quorum');
    await expect(
      extendTracing.tracePromise(async () => {
        Object.assign(context, { attempts: 3, votesFor: 1, votesAgainst: 2 });
        throw failure;
      }, context),
    ).rejects.toBe(failure);
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no quorum' });
    expect(span?.events.map((event) => event.name)).toContain('exception');
    expect(span?.attributes['error.type']).toBe('Error');
    expect(sumWhere(await otel.points('redquorum.extensions'), { 'redquorum.outcome': 'failure' })).toBe(1);
    expect(sumWhere(await otel.points('redquorum.operation.duration'), { 'redquorum.operation': 'extend', 'redquorum.outcome': 'failure' })).toBe(1);
    expect(await otel.points('redquorum.acquire.validity')).toEqual([]);
  });

  it('ends the span of an operation that throws synchronously', async () => {
    const context: OperationContext = { operation: 'acquire', resources: [] };
    expect(() =>
      acquireTracing.tracePromise(() => {
        throw new TypeError('resources must be a non-empty array');
      }, context),
    ).toThrow(TypeError);
    await Promise.resolve();
    expect(otel.spans().map((span) => span.status.code)).toEqual([SpanStatusCode.ERROR]);
  });

  it("makes the operation's span a child of the span active at the call", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const parent = otel.tracerProvider.getTracer('app').startSpan('request');
      await context.with(trace.setSpan(context.active(), parent), () =>
        acquireTracing.tracePromise(async () => 'lock', { operation: 'acquire', resources: ['a'] } satisfies OperationContext),
      );
      parent.end();
      const span = otel.spans().find((finished) => finished.name === 'redquorum.acquire');
      expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span?.spanContext().traceId).toBe(parent.spanContext().traceId);
    } finally {
      context.disable();
    }
  });

  it('counts lost locks, and stops when disabled', async () => {
    lostChannel.publish({ resources: ['a'], error: new Error('lost') });
    expect(sumWhere(await otel.points('redquorum.locks.lost'), {})).toBe(1);
    otel.instrumentation.disable();
    lostChannel.publish({ resources: ['a'], error: new Error('lost') });
    await acquireTracing.tracePromise(async () => undefined, { operation: 'acquire', resources: ['a'] });
    expect(sumWhere(await otel.points('redquorum.locks.lost'), {})).toBe(1);
    expect(otel.spans()).toEqual([]);
    expect(acquireTracing.hasSubscribers).toBe(false);
  });
});
