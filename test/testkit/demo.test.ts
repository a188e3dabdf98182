import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'

/** Runs `npm start`'s script in quick mode as a child process, its output piped (plain lines). */
function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--quick'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    // It must exit on its own: a socket or timer left behind would keep it alive past this, and
    // this rejection is the test's check of the run's length (the run cannot end later than it).
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`the demo did not exit within 45 s:\n${output}`))
    }, 45_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('the demo (npm start)', () => {
  it('runs its workload, exits 0 on its own, and ends with the summary and a report', async () => {
    const { code, output } = await runDemo()
    expect(code, output).toBe(0)
    expect(output).toContain('USER_MIGRATE_2')
    expect(output).toContain('FILE_MIGRATE_4')
    expect(output).toContain('authorized on DC 4')
    expect(output).toMatch(/420 \S+: FLOOD_WAIT_\d+, waiting/)
    expect(output).toContain('Summary')
    expect(output).toMatch(/flood violations 0 /)
    expect(output).toMatch(/\d+ retries \(/)
    expect(output).toContain('account.updateProfile: FIRSTNAME_INVALID (field first_name)')
    expect(output).toContain('Diagnostic report of a 500 that gave up')
    expect(output).toContain('method: stats.getBroadcastStats')
    // plain lines into a pipe: no cursor movement
    expect(output).not.toContain('\u001b[2K')
  }, 60_000)
})
