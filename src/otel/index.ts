import { SpanKind, SpanStatusCode, context, metrics, trace, type Attributes, type MeterProvider, type Span, type TracerProvider } from '@opentelemetry/api';
import { acquireTracing, extendTracing, lostChannel, releaseTracing, type LostEvent, type OperationContext } from '../tracing.js';

// `redquorum/otel` is the only module that imports @opentelemetry/api; the library
// itself publishes on diagnostics channels, which cost nothing without a subscriber.

/** The instrumentation scope name of every span and instrument. */
export const INSTRUMENTATION_NAME = 'redquorum';

export interface RedquorumInstrumentationOptions {
  /** Where spans go. @default the global TracerProvider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global MeterProvider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider;
  /**
   * Put the resource names on spans (`redquorum.resources`). Metrics never carry them, so
   * their cardinality stays bounded by the operation and outcome.
   * @default true
   */
  readonly resourceNames?: boolean;
}

/** Turns the instrumentation off again. */
export interface RedquorumInstrumentation {
  disable(): void;
}

const MS_PER_S = 1_000;

/**
 * Subscribes to the `redquorum:acquire|extend|release` tracing channels and the
 * `redquorum:lost` channel and turns them into OpenTelemetry data:
 *
 * - a span per operation (`redquorum.acquire`, ...) with the resources, the attempt
 *   count, the last attempt's votes, the validity left and the fencing token; a failed
 *   operation's span has status ERROR and the exception;
 * - `redquorum.operation.duration` (s), by `redquorum.operation` and `redquorum.outcome`
 *   (`success` | `failure`): acquire latency by outcome, and the same for extend and release;
 * - `redquorum.operation.attempts` ({attempt}), by operation and outcome;
 * - `redquorum.votes` ({vote}) by operation and `redquorum.vote` (`for` | `against`);
 * - `redquorum.extensions` ({extension}) by outcome;
 * - `redquorum.locks.lost` ({lock}): `using()` routines that lost their lock;
 * - `redquorum.acquire.validity` (s): the validity left when a lock was acquired.
 *
 * Call it once at start-up, before the first lock operation.
 */
export function instrumentRedquorum(options: RedquorumInstrumentationOptions = {}): RedquorumInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);
  const resourceNames = options.resourceNames ?? true;

  const duration = meter.createHistogram('redquorum.operation.duration', { unit: 's', description: 'Time from the call to its outcome, every attempt and retry delay included.' });
  const attempts = meter.createHistogram('redquorum.operation.attempts', { unit: '{attempt}', description: 'Attempts one operation made.' });
  const votes = meter.createCounter('redquorum.votes', { unit: '{vote}', description: "Nodes' votes in the last attempt of each operation." });
  const extensions = meter.createCounter('redquorum.extensions', { unit: '{extension}', description: 'Lock extensions, by outcome.' });
  const lost = meter.createCounter('redquorum.locks.lost', { unit: '{lock}', description: 'using() routines whose lock was lost before they ended.' });
  const validity = meter.createHistogram('redquorum.acquire.validity', { unit: 's', description: 'Validity left when a lock was acquired: TTL minus acquire time minus drift.' });

  // One entry per operation in flight; the context object is the library's own, so
  // nothing outlives the operation.
  const open = new WeakMap<OperationContext, { readonly span: Span; readonly startMs: number }>();

  const start = (operation: OperationContext): void => {
    const attributes: Attributes = { 'redquorum.operation': operation.operation };
    if (resourceNames) attributes['redquorum.resources'] = [...operation.resources];
    if (operation.durationMs !== undefined) attributes['redquorum.duration_ms'] = operation.durationMs;
    const span = tracer.startSpan(`redquorum.${operation.operation}`, { kind: SpanKind.INTERNAL, attributes }, context.active());
    open.set(operation, { span, startMs: performance.now() });
  };

  const finish = (operation: OperationContext): void => {
    const entry = open.get(operation);
    if (!entry) return;
    open.delete(operation);
    const failed = operation.error !== undefined;
    const outcome = failed ? 'failure' : 'success';
    const { span } = entry;
    if (operation.attempts !== undefined) span.setAttribute('redquorum.attempts', operation.attempts);
    if (operation.votesFor !== undefined) span.setAttribute('redquorum.votes_for', operation.votesFor);
    if (operation.votesAgainst !== undefined) span.setAttribute('redquorum.votes_against', operation.votesAgainst);
    if (operation.validityMs !== undefined) span.setAttribute('redquorum.validity_ms', operation.validityMs);
    // A bigint does not fit a span attribute; its decimal string keeps every digit.
    if (operation.fence !== undefined) span.setAttribute('redquorum.fence', operation.fence.toString());
    if (failed) {
      const error = operation.error instanceof Error ? operation.error : new Error(String(operation.error));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.setAttribute('error.type', error.name);
    }
    span.end();

    const labels: Attributes = { 'redquorum.operation': operation.operation, 'redquorum.outcome': outcome };
    duration.record((performance.now() - entry.startMs) / MS_PER_S, labels);
    if (operation.attempts !== undefined) attempts.record(operation.attempts, labels);
    if (operation.votesFor !== undefined) votes.add(operation.votesFor, { 'redquorum.operation': operation.operation, 'redquorum.vote': 'for' });
    if (operation.votesAgainst !== undefined) votes.add(operation.votesAgainst, { 'redquorum.operation': operation.operation, 'redquorum.vote': 'against' });
    if (operation.operation === 'extend') extensions.add(1, { 'redquorum.outcome': outcome });
    if (operation.operation === 'acquire' && !failed && operation.validityMs !== undefined) validity.record(operation.validityMs / MS_PER_S);
  };

  const subscribers = {
    start,
    end: (): void => undefined,
    asyncStart: (): void => undefined,
    asyncEnd: finish,
    // A promise that rejects ends with asyncEnd too; `error` only marks it, and a
    // synchronous throw (bad arguments) has no asyncEnd, so it finishes here.
    error: (operation: OperationContext): void => {
      queueMicrotask(() => finish(operation));
    },
  };
  const onLost = (message: unknown): void => {
    const event = message as LostEvent;
    lost.add(1);
    trace.getActiveSpan()?.addEvent('redquorum.lock_lost', resourceNames ? { 'redquorum.resources': [...event.resources] } : {});
  };

  const channels = [acquireTracing, extendTracing, releaseTracing];
  for (const channel of channels) channel.subscribe(subscribers);
  lostChannel.subscribe(onLost);
  return {
    disable(): void {
      for (const channel of channels) channel.unsubscribe(subscribers);
      lostChannel.unsubscribe(onLost);
    },
  };
}
