import { describe, expect, it } from 'vitest'
import {
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
} from '../../src/wire/index.js'
import { cli } from './run-cli.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('mtproto-errors decode', () => {
  it('decodes an rpc_result carrying an rpc_error', async () => {
    const run = await cli(['decode', hex(encodeRpcResult(7n, encodeRpcError(420, 'FLOOD_WAIT_30')))])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('req_msg_id 7')
    expect(run.stdout).toContain('420 FLOOD_WAIT_30')
    expect(run.stdout).toContain('seconds=30')
  })

  it('reads a gzip-wrapped error inside a container from stdin, as JSON', async () => {
    const container = encodeMsgContainer([
      {
        msgId: 11n,
        seqNo: 1,
        body: encodeRpcResult(1n, encodeGzipPacked(encodeRpcError(303, 'USER_MIGRATE_2'))),
      },
      { msgId: 13n, seqNo: 3, body: encodeRpcResult(2n, encodeRpcError(400, 'PHONE_NUMBER_INVALID')) },
    ])
    const run = await cli(['decode', '-', '--json'], { stdin: `${hex(container).replace(/(..)/g, '$1 ')}\n` })
    expect(run.code).toBe(0)
    const parsed = JSON.parse(run.stdout)
    expect(parsed.kind).toBe('messages')
    expect(parsed.messages).toHaveLength(2)
    expect(parsed.messages[0]).toMatchObject({
      kind: 'rpc_result',
      msgId: '11',
      reqMsgId: '1',
      outcome: {
        ok: false,
        gzipped: true,
        error: { code: 303, template: 'USER_MIGRATE_%d', params: { dcId: 2 } },
      },
    })
    expect(parsed.messages[1].outcome.error.type).toBe('PHONE_NUMBER_INVALID')
  })

  it('recognises a transport error', async () => {
    const run = await cli(['decode', '0x6c', 'fe', 'ff', 'ff'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('transport error -404')
  })

  it('exits 1 with the reason and offset for bytes that do not decode', async () => {
    const run = await cli(['decode', '016d5cf30100', '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error).toMatchObject({ reason: 'truncated', offset: 4 })
  })

  it('exits 2 for text that is not hex', async () => {
    const run = await cli(['decode', 'xyz'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('not a hex digit')
  })
})
