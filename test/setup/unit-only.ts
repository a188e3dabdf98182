/**
 * Setup file of the unit project: a unit test runs in this process alone, so opening a socket or
 * starting a process there is a misfiled test. Failing at the call (rather than letting it work
 * slowly) keeps `npm run test:unit` runnable with nothing installed and nothing listening; the
 * message says where such a test belongs.
 */
import childProcess, { ChildProcess } from 'node:child_process'
import { syncBuiltinESMExports } from 'node:module'
import { Server, Socket } from 'node:net'
import { afterEach, vi } from 'vitest'

function refuse(what: string): never {
  throw new Error(
    `${what} in a unit test: list this file in INTEGRATION_FILES (vitest.config.ts), or use the ` +
      'in-process stand-ins (World, attachWorld, worldServer) instead',
  )
}
// The asynchronous helpers (spawn, exec, execFile, fork) all end in ChildProcess#spawn, and every
// TCP or IPC client and server (node:net, node:http, ioredis) in Socket#connect or Server#listen.
// ChildProcess#spawn is a runtime method that @types/node leaves out, hence the widened type.
const childProcessPrototype = ChildProcess.prototype as unknown as { spawn: () => never }
childProcessPrototype.spawn = () => refuse('starting a child process')
Socket.prototype.connect = () => refuse('opening a socket')
Server.prototype.listen = () => refuse('listening on a socket')
// The synchronous helpers go straight to the runtime, so they are replaced one by one; the sync
// call makes `import { execFileSync } from 'node:child_process'` in a test file see the stand-in.
childProcess.spawnSync = () => refuse('starting a child process')
childProcess.execSync = () => refuse('starting a child process')
childProcess.execFileSync = () => refuse('starting a child process')
syncBuiltinESMExports()

// The unit project shares one module graph per worker (isolate: false in vitest.config.ts), so a
// test that forgot to put the clock or a global back would leak into the next file: put them back.
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})
