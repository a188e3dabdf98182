/**
 * A real `redis-server` for tests: on a free loopback port, in its own temporary folder, with no
 * persistence (`--save '' --appendonly no`), so every start is an empty server and nothing is left
 * behind. Stop, pause (SIGSTOP: a server that accepts nothing and answers nothing, as a hung one)
 * and start again on the same port, to test what clients do through each.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A running (or stopped) test server. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Starts it again on the same port (an empty server: nothing was persisted). */
  start(): Promise<void>
  /** Stops it (SIGKILL: a crash, not a shutdown) and waits for the process to end. */
  stop(): Promise<void>
  /** Freezes it: connections stay open, nothing is answered. */
  pause(): void
  /** Unfreezes it. */
  resume(): void
  /** Stops it and removes its folder. */
  dispose(): Promise<void>
}

/** Whether `redis-server` is installed (the tests' global setup installs it where it is missing). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A free TCP port on loopback, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Starts a server and waits until it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-errors-redis-'))
  let child: ChildProcess | undefined

  const start = async (): Promise<void> => {
    if (child !== undefined) return
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    const started = spawn(
      'redis-server',
      [...args, '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    child = started
    // A test process that dies without its afterAll must not leave a server running.
    const killOnExit = () => started.kill('SIGKILL')
    process.once('exit', killOnExit)
    started.once('exit', () => process.off('exit', killOnExit))
    let output = ''
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    await waitForPort(port, started, () => output)
  }

  const stop = async (): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill('SIGCONT')
    running.kill('SIGKILL')
    await exited
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async dispose() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const { connect } = await import('node:net')
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${output()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
