import { UsageError } from './usage-error.js'

function text(chunk: unknown): string {
  return typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
}

/**
 * All of `stream` as text, up to `maxChars`. Past it, reading stops at once (the iterator's
 * `return` destroys the stream) and a {@link UsageError} names the limit: the whole input is never
 * held. `what` names the input in that message.
 */
export async function readBounded(
  stream: NodeJS.ReadableStream,
  maxChars: number,
  what: string,
): Promise<string> {
  const parts: string[] = []
  let length = 0
  for await (const chunk of stream) {
    const part = text(chunk)
    length += part.length
    if (length > maxChars) throw new UsageError(`${what} is longer than the ${maxChars} characters accepted`)
    parts.push(part)
  }
  return parts.join('')
}

/**
 * Calls `each` with every non-blank line of `stream`, trimmed, as it arrives. A line longer than
 * `maxLineChars` is never held whole: `tooLong` gets its line number, and the rest of it is skipped.
 */
export async function readLinesBounded(
  stream: NodeJS.ReadableStream,
  maxLineChars: number,
  each: (line: string) => void,
  tooLong: (lineNumber: number) => void,
): Promise<void> {
  let line = ''
  let lineNumber = 1
  let skipping = false
  for await (const chunk of stream) {
    const part = text(chunk)
    let start = 0
    for (;;) {
      const newline = part.indexOf('\n', start)
      if (!skipping) {
        line += part.slice(start, newline === -1 ? part.length : newline)
        if (line.length > maxLineChars) {
          tooLong(lineNumber)
          line = ''
          skipping = true
        }
      }
      if (newline === -1) break
      if (!skipping && line.trim() !== '') each(line.trim())
      line = ''
      skipping = false
      lineNumber++
      start = newline + 1
    }
  }
  if (!skipping && line.trim() !== '') each(line.trim())
}
