import { encodeMsgContainer } from '../../wire/index.js'
import { encryptServerMessage } from './message-crypto.js'
import type { AuthKeyRecord, MsgIdClock, SessionState } from './session.js'

/** Messages are batched into one container up to this many body bytes. */
const MAX_CONTAINER_BYTES = 256 * 1024

/** One message waiting to go out. */
export interface OutgoingMessage {
  readonly record: AuthKeyRecord
  readonly session: SessionState
  /** The serialized object. */
  readonly body: Uint8Array
  /** Content-related messages take an odd seq_no; acks and notifications about msg_ids do not. */
  readonly contentRelated: boolean
  /** Told the msg_id the body went out with (for flood refusals: what the client must ack). */
  readonly onSent?: (msgId: bigint) => void
}

/** Where the outbox sends encrypted payloads, and what it reads and counts on the way. */
export interface OutboxSink {
  readonly clock: MsgIdClock
  /** Counts a msg_container sent. */
  containerSent(): void
  /** Writes one encrypted transport payload (the connection frames it). */
  write(payload: Uint8Array): void
}

/**
 * A connection's outgoing messages. Messages queued in the same turn of the event loop leave
 * together in one msg_container per session, as Telegram batches, so both clients' container
 * handling is exercised; each message gets its server msg_id and seq_no as it leaves.
 */
export class Outbox {
  private pending: OutgoingMessage[] = []
  private flushScheduled = false
  private closed = false

  constructor(private readonly sink: OutboxSink) {}

  /** Queues a message for the end of this turn; ignored once the outbox is closed. */
  queue(message: OutgoingMessage): void {
    if (this.closed) return
    this.pending.push(message)
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Sends everything queued now. */
  flush(): void {
    this.flushScheduled = false
    const pending = this.pending
    this.pending = []
    if (this.closed) return
    const bySession = new Map<SessionState, OutgoingMessage[]>()
    for (const message of pending) {
      const list = bySession.get(message.session)
      if (list) list.push(message)
      else bySession.set(message.session, [message])
    }
    for (const messages of bySession.values()) {
      for (const batch of batches(messages, MAX_CONTAINER_BYTES)) this.send(batch)
    }
  }

  /** Drops what is queued and refuses more (the connection is closing). */
  close(): void {
    this.closed = true
    this.pending = []
  }

  private send(batch: readonly OutgoingMessage[]): void {
    const { record, session } = batch[0]!
    const messages = batch.map((message) => {
      const msgId = this.sink.clock.next('response')
      message.onSent?.(msgId)
      return { msgId, seqNo: session.nextSeqNo(message.contentRelated), body: message.body }
    })
    let envelope = messages[0]!
    if (messages.length > 1) {
      const body = encodeMsgContainer(messages)
      envelope = { msgId: this.sink.clock.next('response'), seqNo: session.nextSeqNo(false), body }
      this.sink.containerSent()
    }
    this.sink.write(
      encryptServerMessage(record.authKey, {
        salt: record.currentSalt(),
        sessionId: session.id,
        ...envelope,
      }),
    )
  }
}

/** Splits one session's messages, in order, into batches of at most `maxBytes` body bytes (or one message). */
export function batches<T extends { readonly body: Uint8Array }>(
  items: readonly T[],
  maxBytes: number,
): T[][] {
  const out: T[][] = []
  let current: T[] = []
  let size = 0
  for (const item of items) {
    if (current.length > 0 && size + item.body.length > maxBytes) {
      out.push(current)
      current = []
      size = 0
    }
    current.push(item)
    size += item.body.length
  }
  if (current.length > 0) out.push(current)
  return out
}
