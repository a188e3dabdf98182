import { describe, expect, it } from 'vitest'
import { CircuitBreaker, type CircuitTransition } from '../../src/recovery/circuit-breaker.js'

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures; a success in between starts the count again', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000 })
    circuit.failure(0)
    circuit.failure(0)
    circuit.success()
    expect(circuit.failure(10)).toBeUndefined()
    expect(circuit.failure(10)).toBeUndefined()
    expect(circuit.failure(10)).toEqual({ from: 'closed', to: 'open', nextProbeAt: 1_010, failures: 3 })
    expect(circuit.state).toBe('open')
  })

  it('refuses until the probe time, then admits exactly one probe', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1_000 })
    circuit.failure(0)
    expect(circuit.admit(999)).toBe('refuse')
    const changes: CircuitTransition[] = []
    expect(circuit.admit(1_000, (change) => changes.push(change))).toBe('probe')
    expect(changes).toEqual([{ from: 'open', to: 'half-open', nextProbeAt: undefined, failures: 1 }])
    expect(circuit.admit(1_001)).toBe('refuse')
    expect(circuit.success()).toMatchObject({ from: 'half-open', to: 'closed' })
    expect(circuit.admit(1_002)).toBe('send')
  })

  it('doubles the time open after each failed probe, up to the cap, and starts over once closed', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1_000, maxOpenMs: 3_000 })
    circuit.failure(0)
    const probeTimes: number[] = []
    let now = 0
    for (let i = 0; i < 4; i++) {
      now = circuit.nextProbeAt as number
      expect(circuit.admit(now)).toBe('probe')
      circuit.failure(now)
      probeTimes.push((circuit.nextProbeAt as number) - now)
    }
    expect(probeTimes).toEqual([2_000, 3_000, 3_000, 3_000])
    circuit.admit(circuit.nextProbeAt as number)
    circuit.success()
    circuit.failure(100_000)
    expect(circuit.nextProbeAt).toBe(101_000)
  })

  it('opens again with the probe due at once when a probe ends without a verdict', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1_000 })
    circuit.failure(0)
    circuit.admit(1_000)
    expect(circuit.abandonProbe(1_500)).toMatchObject({ from: 'half-open', to: 'open', nextProbeAt: 1_500 })
    expect(circuit.admit(1_500)).toBe('probe')
    expect(circuit.abandonProbe(1_600)).toBeDefined()
    expect(new CircuitBreaker().abandonProbe(0)).toBeUndefined()
  })
})
