import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { runNode, transcript, writeInConsumer } from './consumer.js'

/**
 * A strict user's code touching every entry point's types. The `@ts-expect-error` lines make the
 * check able to fail: were a declaration missing or resolved to `any`, they would be unused.
 */
const CONSUMER = `
import { explain, RpcError } from 'mtproto-errors'
import { wrapClient } from 'mtproto-errors/gramjs'
import { botApiTransformer } from 'mtproto-errors/grammy'
import { mtcuteRecovery } from 'mtproto-errors/mtcute'
import { createRedisFloodStore } from 'mtproto-errors/redis'
import { createTestkitInvoker, startCluster } from 'mtproto-errors/testkit'
import { loginMtcute, mtcuteOptions } from 'mtproto-errors/testkit/clients'

export const error: RpcError = RpcError.from(420, 'FLOOD_WAIT_30')
export const summary: string = explain(error).summary
// @ts-expect-error a summary is a string
export const wrong: number = explain(error).summary
export function seconds(value: unknown): number | undefined {
  return RpcError.is(value, 'FLOOD_WAIT_%d') ? value.params.seconds : undefined
}
export const adapters = [wrapClient, botApiTransformer, mtcuteRecovery, createRedisFloodStore] as const
export async function firstTest(): Promise<void> {
  const cluster = await startCluster({ protocol: 'mtproto' })
  const options = mtcuteOptions(cluster)
  // @ts-expect-error there is no such protocol
  await startCluster({ protocol: 'http' })
  const plain = await startCluster({ accounts: { alice: { homeDcId: 2 } } })
  createTestkitInvoker(plain, { account: 'alice' }).close()
  await plain.stop()
  void options
  void loginMtcute
  await cluster.stop()
}
`

const STRICT = {
  target: 'es2022',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  types: ['node'],
}

/** node16: the .mts file resolves the `import` condition, the .cts file the `require` one. */
const NODE16 = {
  compilerOptions: { ...STRICT, module: 'node16', moduleResolution: 'node16' },
  files: ['consumer.mts', 'consumer.cts'],
}
const BUNDLER = {
  compilerOptions: { ...STRICT, module: 'esnext', moduleResolution: 'bundler' },
  files: ['consumer.ts'],
}

describe('the published declarations, from a strict consumer', () => {
  const versions = inject('typescriptVersions')

  it.each([
    ['ts-ours', versions.ours, 'node16', NODE16],
    ['ts-ours', versions.ours, 'bundler', BUNDLER],
    ['ts-latest', versions.latest, 'node16', NODE16],
    ['ts-latest', versions.latest, 'bundler', BUNDLER],
  ])(
    'type-check with %s (TypeScript %s) under moduleResolution %s',
    async (compiler, _, resolution, config) => {
      for (const file of ['consumer.mts', 'consumer.cts', 'consumer.ts']) writeInConsumer(file, CONSUMER)
      const project = writeInConsumer(`tsconfig.${resolution}.json`, JSON.stringify(config, null, 2))
      const tsc = join('node_modules', compiler, 'bin', 'tsc')
      const run = await runNode(tsc, ['-p', project], 120_000)
      const errors = [...run.stdout.matchAll(/^(\S+)\(\d+,\d+\): error TS\d+/gm)].map((match) => match[0])
      // skipLibCheck stays off so our .d.ts files are checked in full, under the strictest options.
      // The peers' own declarations do not all pass that (mtcute's .d.cts re-exports ESM files under
      // node16, grammY and mtcute name untyped modules): those are theirs, and ignored; any error in
      // the consumer file or in our package fails.
      const ours = errors.filter(
        (error) => !error.startsWith('node_modules/') || error.startsWith('node_modules/mtproto-errors/'),
      )
      expect(ours, transcript(run)).toEqual([])
      // A compiler that did not run (or crashed) prints no diagnostics and still exits non-zero.
      if (run.code !== 0) expect(errors.length, transcript(run)).toBeGreaterThan(0)
    },
  )
})
