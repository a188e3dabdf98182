import { describe, expect, it } from 'vitest'
import { runNode, transcript, writeInConsumer } from './consumer.js'

const ESM_IMPORTS = `
import { connect, startCluster } from 'mtproto-errors/testkit'
import { destroyGramjsClient, gramjsOptions, loginGramjs, loginMtcute, mtcuteOptions } from 'mtproto-errors/testkit/clients'
import { TelegramClient as MtcuteClient } from '@mtcute/node'
import telegram from 'telegram'
import sessions from 'telegram/sessions/index.js'
import logger from 'telegram/extensions/Logger.js'
`

const CJS_IMPORTS = `
const { connect, startCluster } = require('mtproto-errors/testkit')
const { destroyGramjsClient, gramjsOptions, loginGramjs, loginMtcute, mtcuteOptions } = require('mtproto-errors/testkit/clients')
const { TelegramClient: MtcuteClient } = require('@mtcute/node')
const telegram = require('telegram')
const sessions = require('telegram/sessions/index.js')
const logger = require('telegram/extensions/Logger.js')
`

/**
 * A user's first test, in either format: a call over the plain cluster, then an unmodified mtcute
 * client and an unmodified GramJS client signing in to the MTProto cluster. Prints what each got;
 * releases everything, so the process has to end on its own.
 */
const BODY = `
async function main() {
  const result = {}
  const plain = await startCluster({ accounts: { alice: { homeDcId: 2 } } })
  const transport = connect(plain, { account: 'alice' })
  try {
    result.plain = await transport.send({ method: 'users.getFullUser', dcId: 2 })
  } finally {
    transport.close()
    await plain.stop()
  }
  const cluster = await startCluster({ protocol: 'mtproto' })
  try {
    const mtcute = new MtcuteClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster), logLevel: 0 })
    try {
      result.mtcute = (await loginMtcute(mtcute)).phoneNumber
    } finally {
      await mtcute.destroy()
    }
    const gramjs = new telegram.TelegramClient(new sessions.StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      connectionRetries: 1,
      baseLogger: new logger.Logger(logger.LogLevel.NONE),
    })
    try {
      await loginGramjs(gramjs)
      result.gramjs = (await gramjs.getMe()).phone
    } finally {
      await destroyGramjsClient(gramjs)
    }
    result.internalErrors = cluster.stats().internalErrors
  } finally {
    await cluster.stop()
  }
  console.log(JSON.stringify(result))
}
main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
`

describe('both clusters from the installed testkit', () => {
  it.each([
    ['ESM', 'clusters.mjs', ESM_IMPORTS],
    ['CommonJS', 'clusters.cjs', CJS_IMPORTS],
  ])(
    'start from %s, and unmodified mtcute and GramJS clients sign in to the MTProto one',
    async (_, file, imports) => {
      const run = await runNode(writeInConsumer(file, `${imports}\n${BODY}`), [], 90_000)
      expect(run.code, transcript(run)).toBe(0)
      const result = JSON.parse(run.stdout) as Record<string, unknown>
      expect(result.plain).toEqual({ id: 'alice' })
      expect(result.mtcute).toMatch(/^\d{10}$/)
      expect(result.gramjs).toBe(result.mtcute)
      expect(result.internalErrors).toEqual([])
    },
  )
})
