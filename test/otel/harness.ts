import { type Attributes, context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'

/** One data point of a metric: its attributes and its value (a sum, a gauge, or a histogram's count and sum). */
export interface Point {
  readonly attributes: Attributes
  readonly value: number
  readonly count?: number
  readonly sum?: number
}

/**
 * The OpenTelemetry SDK with in-memory exporters, as an application would register it, plus the
 * AsyncLocalStorage context manager (the SDK's Node default) that carries a call's span through
 * the engine's awaits.
 */
export class OtelHarness {
  readonly spanExporter = new InMemorySpanExporter()
  readonly tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.spanExporter)],
  })
  private readonly metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // A long interval: the test exports when it reads, never on a timer.
  private readonly reader = new PeriodicExportingMetricReader({
    exporter: this.metricExporter,
    exportIntervalMillis: 3_600_000,
  })
  readonly meterProvider = new MeterProvider({ readers: [this.reader] })
  private readonly contextManager = new AsyncLocalStorageContextManager()

  constructor() {
    context.setGlobalContextManager(this.contextManager.enable())
  }

  /** Spans ended so far. */
  spans(): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans()
  }

  /** Collects now and returns every point of metric `name` (empty when it was never recorded). */
  async points(name: string): Promise<Point[]> {
    this.metricExporter.reset()
    await this.reader.forceFlush()
    const points: Point[] = []
    for (const resource of this.metricExporter.getMetrics()) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue
          for (const point of metric.dataPoints) {
            if (metric.dataPointType === DataPointType.HISTOGRAM) {
              const value = point.value as { count: number; sum?: number }
              points.push({
                attributes: point.attributes,
                value: value.count,
                count: value.count,
                sum: value.sum ?? 0,
              })
            } else {
              points.push({ attributes: point.attributes, value: point.value as number })
            }
          }
        }
      }
    }
    return points
  }

  /** The value of the point of `name` whose attributes include `match`s (0 when there is none). */
  async value(name: string, match: Attributes = {}): Promise<number> {
    const points = (await this.points(name)).filter((point) =>
      Object.entries(match).every(([key, wanted]) => point.attributes[key] === wanted),
    )
    return points.reduce((total, point) => total + point.value, 0)
  }

  /** Shuts the providers down and releases the context manager. */
  async close(): Promise<void> {
    await this.meterProvider.shutdown()
    await this.tracerProvider.shutdown()
    this.contextManager.disable()
    context.disable()
  }
}
