import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { instrumentRedquorum, type RedquorumInstrumentation } from '../../src/otel/index.js';

/** The OTel SDK with in-memory exporters, and redquorum's instrumentation on it. */
export interface OtelHarness {
  readonly instrumentation: RedquorumInstrumentation;
  /** The SDK's tracer provider, for the application's own spans. */
  readonly tracerProvider: BasicTracerProvider;
  spans(): ReadableSpan[];
  /** Collects now and returns every data point of one metric. */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  shutdown(): Promise<void>;
}

/** A long export interval: the tests collect by forceFlush, never by timer. */
const EXPORT_INTERVAL_MS = 600_000;

export function startOtel(): OtelHarness {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: EXPORT_INTERVAL_MS });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = instrumentRedquorum({ tracerProvider, meterProvider });
  return {
    instrumentation,
    tracerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    async points(name) {
      await reader.forceFlush();
      const batches = metricExporter.getMetrics();
      const last = batches[batches.length - 1];
      const metric = last?.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
    },
    async shutdown() {
      instrumentation.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The sum of a counter's points whose attributes include `where`. */
export function sumWhere(points: readonly DataPoint<number | Histogram>[], where: Record<string, string>): number {
  return points
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (typeof point.value === 'number' ? point.value : point.value.count), 0);
}
