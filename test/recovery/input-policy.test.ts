import { describe, expect, it, vi } from 'vitest'
import { BadRequestError, detailsOf, ForbiddenError, NotFoundError } from '../../src/index.js'
import { capture, catalogOf, rpc, scriptedSend, sequence, setup } from './helpers.js'

describe('400 BAD_REQUEST', () => {
  it('is not repeated, and carries the field and an end-user message', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, 'FIRSTNAME_INVALID')])
    const error = await invoke('account.updateProfile', { first_name: '' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BadRequestError)
    expect(detailsOf(error)).toMatchObject({
      field: 'first_name',
      userMessage: 'The first name is invalid.',
      giveUpReason: 'not-retryable',
    })
    expect(transport.sent).toHaveLength(1)
  })

  it.each([
    ['LASTNAME_INVALID', 'last_name'],
    ['PHONE_NUMBER_INVALID', 'phone_number'],
    ['PHONE_CODE_INVALID', 'phone_code'],
  ])('knows %s -> %s', async (type, field) => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, type)])
    const error = await invoke('auth.signIn', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.field).toBe(field)
    expect(detailsOf(error)?.userMessage).toEqual(expect.any(String))
  })

  it("prefers the catalogue's field and wording, and attaches its entry", async () => {
    const catalog = catalogOf({
      FIRSTNAME_INVALID: {
        field: 'first_name',
        userMessage: 'Please check the first name.',
        action: 'fix-input',
      },
    })
    const { clock, invoke } = setup({ send: (r) => transport.send(r), catalog })
    const transport = sequence(clock, [rpc(400, 'FIRSTNAME_INVALID')])
    const error = await invoke('account.updateProfile', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.userMessage).toBe('Please check the first name.')
    expect(detailsOf(error)?.catalogEntry?.description).toBe('about FIRSTNAME_INVALID')
  })

  it.each([
    ['ABOUT_TOO_LONG', 'about', 'The about is too long.'],
    ['CHAT_TITLE_EMPTY', 'chat_title', 'The chat title is empty.'],
    ['GEO_POINT_REQUIRED', 'geo_point', 'The geo point is required.'],
    ['BOT_COMMAND_INVALID', 'bot_command', 'The bot command is invalid.'],
  ])('derives a field for an unknown %s', async (type, field, userMessage) => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, type)])
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    // ABOUT_TOO_LONG is built in; the others are derived from their shape.
    expect(detailsOf(error)?.field).toBe(field)
    if (type !== 'ABOUT_TOO_LONG') expect(detailsOf(error)?.userMessage).toBe(userMessage)
  })

  it('repeats MSG_WAIT_TIMEOUT once the call it depended on has completed', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(400, 'MSG_WAIT_TIMEOUT')], 'second sent')
    let finishFirst = (_value: string): void => undefined
    const first = new Promise<string>((resolve) => (finishFirst = resolve))
    const second = capture(invoke('messages.sendMessage', { message: '2' }, { after: first }))
    await clock.advance(0)
    expect(transport.sent).toHaveLength(1)
    expect(second.settled).toBe(false)
    finishFirst('first sent')
    await clock.advance(0)
    expect(second.value).toBe('second sent')
    expect(transport.sent).toHaveLength(2)
  })

  it('gives MSG_WAIT_FAILED to the caller when the dependency failed, or is unknown', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw rpc(400, 'MSG_WAIT_FAILED')
    })
    const failed = Promise.reject(new Error('first failed'))
    failed.catch(() => undefined)
    const one = await invoke('m.x', {}, { after: failed }).catch((e: unknown) => e)
    expect(detailsOf(one)?.giveUpReason).toBe('recovery-failed')
    const two = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(detailsOf(two)?.giveUpReason).toBe('recovery-failed')
    expect(transport.sent).toHaveLength(2)
  })

  it('re-uploads the missing part on FILE_PART_X_MISSING, then repeats once', async () => {
    const reuploadFilePart = vi.fn()
    const { clock, invoke } = setup({ send: (r) => transport.send(r), reuploadFilePart })
    const transport = sequence(clock, [rpc(400, 'FILE_PART_7_MISSING')], 'saved')
    await expect(invoke('messages.uploadMedia', { file: 'f' })).resolves.toBe('saved')
    expect(reuploadFilePart).toHaveBeenCalledOnce()
    expect(reuploadFilePart.mock.calls[0]?.[0]).toBe(7)
  })

  it('refreshes an expired file reference and repeats with the new parameters', async () => {
    const refreshFileReference = vi.fn(() => ({ id: 1, file_reference: 'fresh' }))
    const { clock, invoke } = setup({ send: (r) => transport.send(r), refreshFileReference })
    const transport = scriptedSend(clock, (request) => {
      const params = request.params as { file_reference: string }
      if (params.file_reference !== 'fresh') throw rpc(400, 'FILE_REFERENCE_EXPIRED')
      return 'downloaded'
    })
    await expect(invoke('upload.getFile', { id: 1, file_reference: 'old' })).resolves.toBe('downloaded')
    expect(transport.sent.map((s) => (s.params as { file_reference: string }).file_reference)).toEqual([
      'old',
      'fresh',
    ])
  })

  it('repeats only once, and surfaces a failing repair hook', async () => {
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      refreshFileReference: () => undefined,
      reuploadFilePart: () => {
        throw new Error('file gone')
      },
    })
    const transport = scriptedSend(clock, (request) => {
      throw rpc(400, request.method === 'a' ? 'FILE_REFERENCE_2_EXPIRED' : 'FILE_PART_1_MISSING')
    })
    const a = await invoke('a', {}).catch((e: unknown) => e)
    expect(detailsOf(a)?.giveUpReason).toBe('recovery-failed')
    expect(transport.sent.filter((s) => s.method === 'a')).toHaveLength(2)
    const b = await invoke('b', {}).catch((e: unknown) => e)
    expect(b).toMatchObject({ name: 'HookError', hook: 'reuploadFilePart' })
  })
})

describe('403 and 404', () => {
  it.each([
    [403, 'CHAT_WRITE_FORBIDDEN', ForbiddenError],
    [404, 'METHOD_NOT_FOUND', NotFoundError],
  ] as const)('%i %s is not repeated, and carries the catalogue entry', async (code, type, Class) => {
    const catalog = catalogOf({ [type]: { codes: [code], userMessage: 'Not allowed here.' } })
    const { clock, invoke } = setup({ send: (r) => transport.send(r), catalog })
    const transport = sequence(clock, [rpc(code, type)])
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Class)
    expect(detailsOf(error)?.catalogEntry?.name).toBe(type)
    expect(detailsOf(error)?.userMessage).toBe('Not allowed here.')
    expect(transport.sent).toHaveLength(1)
  })
})
