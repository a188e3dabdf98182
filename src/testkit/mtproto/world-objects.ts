import Long from 'long'
import type { DcAddress } from '../cluster.js'
import type { TlObject } from './tl-codec.js'

/**
 * Builders for the TL objects the default world answers with, in mtcute's shape. Each carries
 * the fields both supported layers require (227 for mtcute 0.30, 198 for GramJS 2.26), so the
 * codec can write it at either.
 */

/** A user as the world keeps it. */
export interface WorldUser {
  id: number
  accessHash: Long
  firstName: string
  username: string
  phone: string | undefined
  bot: boolean
}

/** `config`: the DC list points at the cluster's loopback ports. */
export function configObject(dcs: readonly DcAddress[], thisDc: number, nowSeconds: number): TlObject {
  return {
    _: 'config',
    date: nowSeconds,
    // An hour, as Telegram sends; mtcute refetches when it expires.
    expires: nowSeconds + 3600,
    testMode: false,
    thisDc,
    dcOptions: dcs.map((dc) => ({ _: 'dcOption', id: dc.id, ipAddress: dc.host, port: dc.port })),
    dcTxtDomainName: 'testkit.invalid',
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: thisDc,
  }
}

/** `user`; `self` marks the caller's own account, as getMe expects. */
export function userObject(user: WorldUser, self: boolean, nowSeconds: number): TlObject {
  return {
    _: 'user',
    self,
    bot: user.bot,
    botInfoVersion: user.bot ? 1 : undefined,
    id: user.id,
    accessHash: user.accessHash,
    firstName: user.firstName,
    username: user.username,
    phone: self ? user.phone : undefined,
    status: user.bot ? undefined : { _: 'userStatusOnline', expires: nowSeconds + 300 },
  }
}

/** `users.userFull` for a user homed on `homeDcId`. */
export function userFullObject(
  user: WorldUser,
  self: boolean,
  nowSeconds: number,
  homeDcId: number | undefined,
): TlObject {
  return {
    _: 'users.userFull',
    fullUser: {
      _: 'userFull',
      id: user.id,
      about: `Testkit account on DC ${homeDcId}`,
      settings: { _: 'peerSettings' },
      notifySettings: { _: 'peerNotifySettings' },
      commonChatsCount: 0,
    },
    chats: [],
    users: [userObject(user, self, nowSeconds)],
  }
}

/** A stored private message. */
export interface WorldMessage {
  id: number
  fromId: number
  peerId: number
  out: boolean
  date: number
  text: string
}

/** `message` as seen by its owner. */
export function messageObject(message: WorldMessage): TlObject {
  return {
    _: 'message',
    out: message.out,
    id: message.id,
    fromId: { _: 'peerUser', userId: message.fromId },
    peerId: { _: 'peerUser', userId: message.peerId },
    date: message.date,
    message: message.text,
  }
}

/** `messages.messages` for a page of history. */
export function messagesObject(messages: readonly WorldMessage[], users: readonly TlObject[]): TlObject {
  return { _: 'messages.messages', messages: messages.map(messageObject), topics: [], chats: [], users }
}

/** A number or bigint as the Long that `long` fields take. */
export function longOf(value: number | bigint): Long {
  return typeof value === 'bigint' ? Long.fromBigInt(value) : Long.fromNumber(value)
}
