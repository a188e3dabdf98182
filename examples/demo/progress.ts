/**
 * Live progress: on a terminal, a bar redrawn in place with notable events printed above it; into a
 * pipe or file, the events and a line at each quarter, so logs stay readable.
 */
import type { Style } from '../../src/cli/style.js'

/** The numbers the progress line shows. */
export interface ProgressState {
  readonly settled: number
  readonly total: number
  readonly ok: number
  readonly failed: number
  /** Calls currently sleeping through a flood wait or held by a window. */
  readonly waiting: number
  readonly retries: number
  readonly redirects: number
}

/** Where the demo reports as it goes. */
export interface Progress {
  /** A notable event, on a line of its own. */
  note(text: string): void
  /** Ends the live display (stops its timer, leaves the last bar drawn). */
  finish(): void
}

const BAR_WIDTH = 28

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`.padStart(6)
}

/** Creates the display for `stream`; `read` is polled for the numbers. */
export function createProgress(
  stream: NodeJS.WriteStream,
  style: Style,
  read: () => ProgressState,
): Progress {
  const startedAt = performance.now()
  const stamp = () => style.dim(`[${seconds(performance.now() - startedAt)}]`)

  if (!stream.isTTY) {
    let quarter = 0
    const report = () => {
      const state = read()
      while (quarter < 4 && state.settled >= (state.total * (quarter + 1)) / 4) {
        quarter++
        stream.write(`${stamp()} ${state.settled}/${state.total} calls settled (${quarter * 25}%)\n`)
      }
    }
    const timer = setInterval(report, 100)
    return {
      note: (text) => stream.write(`${stamp()} ${text}\n`),
      finish: () => {
        clearInterval(timer)
        report()
      },
    }
  }

  const bar = (): string => {
    const s = read()
    const text =
      `${s.settled}/${s.total}  ok ${s.ok}  failed ${s.failed}  waiting ${s.waiting}  ` +
      `retries ${s.retries}  redirects ${s.redirects}`
    // One line, always: a wrapped line would not be cleared by the next redraw.
    const room = (stream.columns ?? 80) - 1 - 9 - 1
    const width = Math.max(0, Math.min(BAR_WIDTH, room - text.length - 1))
    const filled = s.total === 0 ? 0 : Math.round((s.settled / s.total) * width)
    const gauge =
      width === 0 ? '' : `${style.green('█'.repeat(filled))}${style.dim('░'.repeat(width - filled))} `
    return `${stamp()} ${gauge}${text.slice(0, Math.max(0, room - (width === 0 ? 0 : width + 1)))}`
  }
  const draw = () => stream.write(`\r\u001b[2K${bar()}`)
  // A clock that moves while calls sleep through flood waits, when nothing else would redraw.
  const timer = setInterval(draw, 100)
  return {
    note(text) {
      stream.write(`\r\u001b[2K${stamp()} ${text}\n`)
      draw()
    },
    finish() {
      clearInterval(timer)
      draw()
      stream.write('\n')
    },
  }
}
