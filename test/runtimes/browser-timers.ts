/**
 * Stands in for `node:timers` in the browser run. The recovery tests' helpers take `setImmediate`
 * from there so that Vitest's fake timers cannot freeze their "let the promises settle" step; a
 * MessageChannel message is likewise a real macrotask that fake timers leave alone.
 */
export function setImmediate(callback: () => void): void {
  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    channel.port1.close()
    callback()
  }
  channel.port2.postMessage(undefined)
}
