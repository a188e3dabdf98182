/**
 * mtproto-errors: parse, classify, explain and recover from the errors of the Telegram API.
 * This entry is the runtime-free core: it imports nothing from Node.
 * @packageDocumentation
 */

export * from './catalog/index.js'
export * from './error/index.js'
export * from './flood/index.js'
export * from './pool/index.js'
export * from './recovery/index.js'
export * from './wire/index.js'
