import type { ClientInternals } from './client-internals.js'

/**
 * The default `authorizeOn` for GramJS: its own export and import. GramJS exports the
 * authorization from home and imports it on the other DC whenever it connects a sender there that is
 * not `_authenticated`; marking the existing sender so and reconnecting it runs exactly that code. A
 * DC without a sender yet gets a new one, which imports as it connects.
 */
export async function reauthorizeOn(client: ClientInternals, dcId: number): Promise<void> {
  const pending = client._exportedSenderPromises.get(dcId)
  const sender = pending === undefined ? undefined : await pending.catch(() => undefined)
  if (sender === undefined) {
    await client.getSender(dcId)
    return
  }
  sender._authenticated = false
  await client._borrowExportedSender(dcId, true, sender)
}
