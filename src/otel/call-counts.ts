import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api'
import type { BoundedLabels } from './bounded-label.js'
import { ATTR, METRIC } from './names.js'

/** One series of `mtproto.client.calls`: its attributes, built once, and its count. */
export interface CallSeries {
  /** The series' attributes; also handed to the SDK for the duration histogram, never rebuilt. */
  readonly attributes: Attributes
  /** Calls counted so far. */
  count: number
}

/** The series of one method label of one account, by outcome. */
class MethodSeries {
  readonly byOutcome = new Map<string, CallSeries>()

  constructor(
    private readonly account: string | undefined,
    private readonly method: string,
  ) {}

  of(outcome: string): CallSeries {
    let series = this.byOutcome.get(outcome)
    if (series === undefined) {
      const attributes: Attributes = { [ATTR.rpcMethod]: this.method, [ATTR.outcome]: outcome }
      if (this.account !== undefined) attributes[ATTR.account] = this.account
      series = { attributes, count: 0 }
      this.byOutcome.set(outcome, series)
    }
    return series
  }
}

/** The series of one account, by method label. */
type AccountSeries = Map<string, MethodSeries>

/**
 * The count of calls by method, outcome and account, kept by us and read by the SDK at each
 * collection through an observable counter. A synchronous counter costs an SDK record per call,
 * and most of a record is the SDK hashing the attribute set to find its series (about 1 µs per
 * call measured, most of what metrics cost); here a call costs two map lookups and an increment.
 *
 * One per meter, shared by every invoker instrumented with it, so two invokers with the same
 * account label add up instead of overwriting each other's observation. Counts stay after an
 * instrumentation stops, as a synchronous counter's would: a counter never goes back.
 */
export class CallCounts {
  private readonly accounts = new Map<string | undefined, AccountSeries>()

  private constructor(private readonly methods: BoundedLabels) {}

  /**
   * The counts of `meter`, made on first use with its observable counter. The method labels are
   * bounded by the first instrumentation's `methods`: one bound per meter, as one series set.
   */
  static of(meter: Meter, methods: BoundedLabels): CallCounts {
    let counts = byMeter.get(meter)
    if (counts === undefined) {
      counts = new CallCounts(methods)
      byMeter.set(meter, counts)
      const counter = meter.createObservableCounter(METRIC.calls, {
        description: 'Calls made, by method and outcome',
        unit: '{call}',
      })
      const observe = counts.observe.bind(counts)
      counter.addCallback(observe)
    }
    return counts
  }

  /** The series of a call of `method` by `account` (`undefined`: no account label) that ended in `outcome`. */
  series(account: string | undefined, method: string, outcome: string): CallSeries {
    let byMethod = this.accounts.get(account)
    if (byMethod === undefined) {
      byMethod = new Map()
      this.accounts.set(account, byMethod)
    }
    let ofMethod = byMethod.get(method)
    if (ofMethod === undefined) {
      const label = this.methods.of(method)
      ofMethod = byMethod.get(label) ?? new MethodSeries(account, label)
      // Kept under the label, not the raw name: a name folded into `other` is looked up again each
      // time, since a map of raw names would grow with every surplus or malformed one.
      byMethod.set(label, ofMethod)
    }
    return ofMethod.of(outcome)
  }

  private observe(result: ObservableResult): void {
    for (const byMethod of this.accounts.values()) {
      for (const ofMethod of byMethod.values()) {
        for (const series of ofMethod.byOutcome.values()) result.observe(series.count, series.attributes)
      }
    }
  }
}

// Weak: a meter provider that is dropped takes its counts with it.
const byMeter = new WeakMap<Meter, CallCounts>()
