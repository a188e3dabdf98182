#!/usr/bin/env node
/**
 * The `mtproto-errors` command. Node-only; the library's core never imports this folder.
 * @packageDocumentation
 */
import type { CliContext } from './context.js'
import { runCli } from './program.js'
import { colourWanted, createStyle } from './style.js'

const context: CliContext = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: process.stdin,
  ...(process.stdout.columns !== undefined && { columns: process.stdout.columns }),
  style: createStyle(colourWanted(process.stdout, process.env)),
  exitCode: 0,
  waitForStop: () =>
    new Promise((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        resolve(signal)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    }),
}

// `mtproto-errors list | head` closes the pipe early; that is the reader's choice, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(context.exitCode)
})

runCli(process.argv, context).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`mtproto-errors: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 70
  },
)
