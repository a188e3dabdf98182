import { describe, expect, it } from 'vitest'
import { type FloodRule, startBotApiServer } from '../../src/testkit/index.js'

/** Sends one Bot API request and returns the status and the parsed body. */
async function post(apiRoot: string, botId: number, method: string, payload: object) {
  const response = await fetch(`${apiRoot}/bot${botId}:token/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  })
  return { status: response.status, body: (await response.json()) as { parameters?: object } }
}

describe('the fake Bot API takes the clusters’ flood rules', () => {
  it('counts per bot and chat, per bot or for every bot, as the rule’s scope says', async () => {
    const outcomes: Record<string, number[]> = {}
    for (const scope of ['peer', 'account', 'method'] as const) {
      const rule: FloodRule = { method: 'sendMessage', scope, maxCalls: 1, windowMs: 60_000 }
      const api = await startBotApiServer({ floodRules: [rule] })
      try {
        const statuses: number[] = []
        // The same bot in a second chat, then another bot: which of them share the first call's key.
        for (const [botId, chat] of [
          [1, 10],
          [1, 20],
          [2, 30],
        ] as const) {
          statuses.push((await post(api.apiRoot, botId, 'sendMessage', { chat_id: chat, text: 'hi' })).status)
        }
        outcomes[scope] = statuses
      } finally {
        await api.close()
      }
    }
    expect(outcomes).toEqual({ peer: [200, 200, 200], account: [200, 429, 200], method: [200, 429, 429] })
  })

  it('answers past the limit with 429 and retry_after in whole seconds, a fixed waitMs when given', async () => {
    const api = await startBotApiServer({
      floodRules: [{ method: 'sendMessage', scope: 'peer', maxCalls: 1, windowMs: 60_000, waitMs: 3000 }],
    })
    try {
      expect((await post(api.apiRoot, 1, 'sendMessage', { chat_id: 5, text: 'a' })).status).toBe(200)
      const refused = await post(api.apiRoot, 1, 'sendMessage', { chat_id: 5, text: 'b' })
      expect(refused).toMatchObject({ status: 429, body: { parameters: { retry_after: 3 } } })
      expect(api.stats).toMatchObject({ requests: 2, tooManyRequests: 1, violations: 0 })
    } finally {
      await api.close()
    }
  })
})
