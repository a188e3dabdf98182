import { createHash, randomBytes, randomInt } from 'node:crypto'
import { aesIgeDecrypt, aesIgeEncrypt } from './aes-ige.js'
import { concat } from './framing.js'

/** An authorization key as both sides know it after the key exchange. */
export interface AuthKey {
  /** The key bytes (256, or fewer: see key-exchange.ts on leading zero bytes). */
  readonly key: Uint8Array
  /** auth_key_id: the low 64 bits of SHA-1(key), as the unsigned little-endian number on the wire. */
  readonly id: bigint
}

/** Derives the {@link AuthKey} record for key bytes. */
export function makeAuthKey(key: Uint8Array): AuthKey {
  const sha = createHash('sha1').update(key).digest()
  return { key, id: sha.readBigUInt64LE(12) }
}

/** Reads the auth_key_id at the start of a transport payload. */
export function readAuthKeyId(payload: Uint8Array): bigint {
  return Buffer.from(payload.buffer, payload.byteOffset, 8).readBigUInt64LE(0)
}

/** Parts of a decrypted client message. */
export interface ClientMessage {
  salt: bigint
  sessionId: bigint
  msgId: bigint
  seqNo: number
  body: Uint8Array
}

/**
 * Why a client's encrypted payload was refused. Every reason is answered the same way (transport
 * error -404 and close), as Telegram does not tell an attacker which check failed.
 */
export type DecryptFailure = 'short' | 'unaligned' | 'msg-key' | 'length' | 'padding'

/**
 * Decrypts an MTProto 2.0 message from a client (`x = 0`), checking msg_key and the length and
 * padding rules of the security guidelines. `payload` is the whole transport payload, auth_key_id
 * included. Trailing bytes past the last whole AES block are ignored: padded transports add them.
 */
export function decryptClientMessage(authKey: AuthKey, payload: Uint8Array): ClientMessage | DecryptFailure {
  if (payload.length < 24 + 48) return 'short'
  const msgKey = payload.subarray(8, 24)
  const cipherLength = payload.length - 24 - ((payload.length - 24) % 16)
  if (cipherLength <= 0) return 'unaligned'
  const { key, iv } = deriveAesKeyIv(authKey.key, msgKey, 0)
  const plain = aesIgeDecrypt(payload.subarray(24, 24 + cipherLength), key, iv)
  const expected = computeMsgKey(authKey.key, plain, 0)
  if (!Buffer.from(expected).equals(Buffer.from(msgKey))) return 'msg-key'
  const view = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
  const length = view.readUInt32LE(28)
  if (length % 4 !== 0 || length > plain.length - 32) return 'length'
  const padding = plain.length - 32 - length
  if (padding < 12 || padding > 1024) return 'padding'
  return {
    salt: view.readBigInt64LE(0),
    sessionId: view.readBigInt64LE(8),
    msgId: view.readBigInt64LE(16),
    seqNo: view.readUInt32LE(24),
    body: plain.slice(32, 32 + length),
  }
}

/** Parts of a server message before encryption. */
export interface ServerMessage {
  salt: bigint
  sessionId: bigint
  msgId: bigint
  seqNo: number
  body: Uint8Array
}

/** Encrypts a message for the client (`x = 8`) into a transport payload. */
export function encryptServerMessage(authKey: AuthKey, message: ServerMessage): Uint8Array {
  const header = Buffer.alloc(32)
  header.writeBigInt64LE(message.salt, 0)
  header.writeBigInt64LE(message.sessionId, 8)
  header.writeBigInt64LE(message.msgId, 16)
  header.writeUInt32LE(message.seqNo, 24)
  header.writeUInt32LE(message.body.length, 28)
  // 12..1024 bytes of padding to a block boundary; a few extra blocks vary the length as Telegram does.
  const minimal = 12 + ((16 - ((32 + message.body.length + 12) % 16)) % 16)
  const plain = concat(header, message.body, randomBytes(minimal + 16 * randomInt(4)))
  const msgKey = computeMsgKey(authKey.key, plain, 8)
  const { key, iv } = deriveAesKeyIv(authKey.key, msgKey, 8)
  const idBytes = Buffer.alloc(8)
  idBytes.writeBigUInt64LE(authKey.id)
  return concat(idBytes, msgKey, aesIgeEncrypt(plain, key, iv))
}

/** msg_key: the middle 128 bits of SHA-256(auth_key[88+x : 120+x] + plaintext). */
export function computeMsgKey(authKey: Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array {
  const digest = createHash('sha256')
    .update(authKey.subarray(88 + x, 120 + x))
    .update(plaintext)
    .digest()
  return new Uint8Array(digest.subarray(8, 24))
}

/** The MTProto 2.0 KDF: AES key and IV from msg_key and the auth key. */
export function deriveAesKeyIv(
  authKey: Uint8Array,
  msgKey: Uint8Array,
  x: 0 | 8,
): { key: Uint8Array; iv: Uint8Array } {
  const a = createHash('sha256')
    .update(msgKey)
    .update(authKey.subarray(x, x + 36))
    .digest()
  const b = createHash('sha256')
    .update(authKey.subarray(40 + x, 76 + x))
    .update(msgKey)
    .digest()
  return {
    key: concat(a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)),
    iv: concat(b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)),
  }
}
