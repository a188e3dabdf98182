import { execFile, execFileSync, fork, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'

// This file belongs to the unit project; its setup file must stop every way out of the process.
const MISFILED = /in a unit test: list this file in INTEGRATION_FILES/

describe('the unit project refuses sockets and processes', () => {
  it('refuses to start a child process, synchronously or not', () => {
    expect(() => spawn(process.execPath, ['--version'])).toThrow(MISFILED)
    expect(() => execFile(process.execPath, ['--version'])).toThrow(MISFILED)
    expect(() => fork('./nothing.js')).toThrow(MISFILED)
    expect(() => spawnSync(process.execPath, ['--version'])).toThrow(MISFILED)
    expect(() => execFileSync(process.execPath, ['--version'])).toThrow(MISFILED)
  })

  it('refuses to open a connection or to listen', () => {
    expect(() => connect(6379, '127.0.0.1')).toThrow(MISFILED)
    const server = createServer()
    expect(() => server.listen(0, '127.0.0.1')).toThrow(MISFILED)
    expect(server.listening).toBe(false)
  })
})
