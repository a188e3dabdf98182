import { describe, expect, it } from 'vitest'
import { detailsOf } from '../../src/index.js'
import { VERSION } from '../../src/version.js'
import { capture, rpc, scriptedSend, setup } from './helpers.js'

async function failedSignIn(redactOption?: boolean) {
  const { clock, invoke } = setup({
    send: (r) => transport.send(r),
    homeDcId: 4,
    maxAttempts: 3,
    ...(redactOption !== undefined && { redact: redactOption }),
  })
  const transport = scriptedSend(clock, (_r, i) => {
    throw rpc(i === 0 ? -503 : 500, i === 0 ? 'Timeout' : 'INTERNAL_SERVER_ERROR')
  })
  const params = { phone_number: '+15550102030', phone_code_hash: 'deadbeef', phone_code: '24680' }
  const result = capture(invoke('auth.signIn', params))
  await clock.advance(10_000)
  const details = detailsOf(result.error)
  if (details === undefined) throw new Error('no details')
  return { report: details.report, started: clock.now() - 10_000 }
}

describe('DiagnosticReport', () => {
  it('has the method, redacted params, the DC, every attempt and the library version', async () => {
    const { report, started } = await failedSignIn()
    const json = report.toJSON()
    expect(json).toMatchObject({
      library: `mtproto-errors ${VERSION}`,
      method: 'auth.signIn',
      dcId: 4,
      homeDcId: 4,
      outcome: { name: 'InternalServerError', code: 500, message: 'INTERNAL_SERVER_ERROR' },
      params: { phone_number: '[redacted]', phone_code_hash: '[redacted]', phone_code: '[redacted]' },
      durationMs: 3_000,
    })
    expect(report.attempts.map((a) => [a.code, a.message, a.startedAt - started, a.waitMs])).toEqual([
      [-503, 'Timeout', 0, 0],
      [500, 'INTERNAL_SERVER_ERROR', 1_000, 1_000],
      [500, 'INTERNAL_SERVER_ERROR', 3_000, 2_000],
    ])
    expect(JSON.parse(JSON.stringify(report))).toEqual(JSON.parse(JSON.stringify(json)))
  })

  it('reads as a text report without any secret', async () => {
    const { report } = await failedSignIn()
    const text = report.toText()
    expect(text).toContain(`mtproto-errors ${VERSION} diagnostic report`)
    expect(text).toContain('method: auth.signIn')
    expect(text).toContain('dc: 4 (home 4)')
    expect(text).toContain('#2 dc 4 at +1000 ms, after waiting 1000 ms, took 0 ms: 500 INTERNAL_SERVER_ERROR')
    for (const secret of ['15550102030', 'deadbeef', '24680']) expect(text).not.toContain(secret)
  })

  it('keeps params as they are when redaction is turned off', async () => {
    const { report } = await failedSignIn(false)
    expect(report.params).toMatchObject({ phone_code: '24680' })
  })
})
