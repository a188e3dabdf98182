import { describe, expect, it } from 'vitest'
import {
  botAccountOf,
  chatKeyOf,
  classifyBotApiError,
  defaultMethodClassOf,
} from '../../src/adapters/grammy/index.js'

const body = (error_code: number, description: string, parameters?: Record<string, number>) => ({
  ok: false as const,
  error_code,
  description,
  ...(parameters && { parameters }),
})

describe('classifyBotApiError', () => {
  it.each([
    [
      body(400, 'Bad Request: chat not found'),
      { type: 'CHAT_ID_INVALID', field: 'chat_id', action: 'fix-input' },
    ],
    [body(403, 'Forbidden: bot was blocked by the user'), { type: 'USER_IS_BLOCKED', category: 'FORBIDDEN' }],
    [body(403, 'Forbidden: user is deactivated'), { type: 'INPUT_USER_DEACTIVATED' }],
    [body(403, 'Forbidden: bot was kicked from the supergroup chat'), { type: 'CHAT_FORBIDDEN' }],
    [
      body(400, 'Bad Request: message is not modified: specified new message content'),
      { type: 'MESSAGE_NOT_MODIFIED' },
    ],
    [body(400, 'Bad Request: message text is empty'), { type: 'MESSAGE_EMPTY', field: 'text' }],
    [body(400, 'Bad Request: message to reply not found'), { field: 'reply_parameters' }],
    [body(400, 'Bad Request: PEER_ID_INVALID'), { type: 'PEER_ID_INVALID', field: 'peer' }],
    [body(403, "Forbidden: bot can't initiate conversation with a user"), { action: 'do-not-retry' }],
    [
      body(400, "Bad Request: can't parse entities: unclosed tag"),
      { field: 'parse_mode', action: 'fix-input' },
    ],
  ])('%o', (input, expected) => {
    const info = classifyBotApiError(input)
    expect(info).toMatchObject(expected)
    expect(info?.userMessage).toEqual(expect.any(String))
  })

  it('reads the 429 and the migration from parameters', () => {
    expect(
      classifyBotApiError(body(429, 'Too Many Requests: retry after 35', { retry_after: 35 })),
    ).toMatchObject({
      category: 'FLOOD',
      type: 'FLOOD_WAIT_35',
      action: 'wait',
      retryAfterMs: 35_000,
      catalogEntry: { name: 'FLOOD_WAIT_%d' },
    })
    expect(
      classifyBotApiError(
        body(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001 }),
      ),
    ).toMatchObject({ action: 'migrate', migrateToChatId: -1001 })
  })

  it('classifies by code what it does not know, and ignores what is no Bot API answer', () => {
    expect(classifyBotApiError(body(502, 'Bad Gateway'))).toMatchObject({
      category: 'INTERNAL',
      action: 'retry',
    })
    expect(classifyBotApiError(body(401, 'Unauthorized'))).toMatchObject({
      action: 'reauthorize',
      type: undefined,
    })
    expect(classifyBotApiError(body(409, 'Conflict: terminated by other getUpdates request'))).toMatchObject({
      action: 'do-not-retry',
    })
    expect(classifyBotApiError(new Error('socket hang up'))).toBeUndefined()
    expect(classifyBotApiError({ ok: true, result: 1 })).toBeUndefined()
  })
})

describe('Bot API flood keys', () => {
  it('groups methods by the limit they share', () => {
    expect(['sendMessage', 'sendPhoto', 'copyMessage', 'forwardMessages'].map(defaultMethodClassOf)).toEqual([
      'send',
      'send',
      'send',
      'send',
    ])
    expect(defaultMethodClassOf('editMessageText')).toBe('edit')
    expect(defaultMethodClassOf('sendChatAction')).toBe('sendChatAction')
    expect(defaultMethodClassOf('getUpdates')).toBe('getUpdates')
  })

  it('keeps the token secret out, and chats readable', () => {
    expect(botAccountOf('123456:AAE-secret')).toBe('bot123456')
    expect(botAccountOf(undefined)).toBe('bot')
    expect(chatKeyOf({ chat_id: -100123 })).toBe('-100123')
    expect(chatKeyOf({ chat_id: '@channel' })).toBe('@channel')
    expect(chatKeyOf({ chat_id: 'weird value' })).toMatch(/^#[0-9a-f]{16}$/)
    expect(chatKeyOf({})).toBeUndefined()
  })
})
