/**
 * Timelines of a bench run as an SVG picture: one row per key, a tick per request, a red cross per
 * refusal, the waits the server announced shaded, and the bound the limits set as a dashed line,
 * so a reader sees the stampede after each window, or its absence. No dependencies: the SVG is
 * written by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** One row of a timeline: what happened on one key. Times in ms since the run's start. */
export interface TimelineRow {
  readonly key: string
  /** Requests the server received. */
  readonly requests: number[]
  /** Requests it refused (a subset of `requests`, by time). */
  readonly refusals: number[]
  /** Waits it announced: [start, end). */
  readonly windows: Array<[number, number]>
}

/** A whole run. */
export interface Timeline {
  readonly title: string
  /** The shortest makespan the limits allow, ms; drawn as a dashed line. */
  readonly boundMs?: number
  readonly rows: TimelineRow[]
}

const WIDTH = 960
const LABEL_WIDTH = 190
const ROW_HEIGHT = 26
const TOP = 40
const AXIS_HEIGHT = 34

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A tick spacing that gives 5 to 10 labelled ticks over `spanMs`. */
function tickStep(spanMs: number): number {
  for (const step of [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000]) {
    if (spanMs / step <= 10) return step
  }
  return 600_000
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`
}

/** Renders `timeline` as SVG text. */
export function timelineSvg(timeline: Timeline): string {
  const ends = timeline.rows.flatMap((row) => [...row.requests, ...row.windows.map(([, end]) => end)])
  const spanMs = Math.max(1, timeline.boundMs ?? 0, ...ends) * 1.03
  const plotWidth = WIDTH - LABEL_WIDTH - 20
  const x = (ms: number) => (LABEL_WIDTH + (Math.max(0, ms) / spanMs) * plotWidth).toFixed(1)
  const height = TOP + timeline.rows.length * ROW_HEIGHT + AXIS_HEIGHT
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(timeline.title)}: requests per key over time, refusals crossed, announced waits shaded</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">${escapeXml(timeline.title)}</text>`,
  ]
  timeline.rows.forEach((row, i) => {
    const top = TOP + i * ROW_HEIGHT
    const mid = top + ROW_HEIGHT / 2
    if (i % 2 === 1)
      parts.push(`<rect x="0" y="${top}" width="${WIDTH}" height="${ROW_HEIGHT}" fill="#f6f6f6"/>`)
    const label = `${row.key} (${row.requests.length} req, ${row.refusals.length} refused)`
    parts.push(`<text x="10" y="${mid + 4}">${escapeXml(label)}</text>`)
    for (const [start, end] of row.windows) {
      const width = Math.max(1, Number(x(end)) - Number(x(start)))
      parts.push(
        `<rect x="${x(start)}" y="${top + 3}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 6}" fill="#f4b400" fill-opacity="0.25"/>`,
      )
    }
    for (const at of row.requests) {
      parts.push(
        `<line x1="${x(at)}" x2="${x(at)}" y1="${top + 6}" y2="${top + ROW_HEIGHT - 6}" stroke="#1a73e8"/>`,
      )
    }
    for (const at of row.refusals) {
      const cx = Number(x(at))
      parts.push(
        `<path d="M${cx - 4} ${mid - 4}L${cx + 4} ${mid + 4}M${cx - 4} ${mid + 4}L${cx + 4} ${mid - 4}" stroke="#d93025" stroke-width="2"/>`,
      )
    }
  })
  const axisY = TOP + timeline.rows.length * ROW_HEIGHT
  parts.push(`<line x1="${LABEL_WIDTH}" x2="${WIDTH - 20}" y1="${axisY}" y2="${axisY}" stroke="#444"/>`)
  const step = tickStep(spanMs)
  for (let ms = 0; ms <= spanMs; ms += step) {
    parts.push(`<line x1="${x(ms)}" x2="${x(ms)}" y1="${axisY}" y2="${axisY + 5}" stroke="#444"/>`)
    parts.push(`<text x="${x(ms)}" y="${axisY + 18}" text-anchor="middle">${formatMs(ms)}</text>`)
  }
  if (timeline.boundMs !== undefined) {
    const bx = x(timeline.boundMs)
    parts.push(
      `<line x1="${bx}" x2="${bx}" y1="${TOP - 6}" y2="${axisY}" stroke="#188038" stroke-dasharray="4 3" stroke-width="1.5"/>`,
      `<text x="${bx}" y="${TOP - 9}" text-anchor="middle" fill="#188038">bound ${formatMs(Math.round(timeline.boundMs))}</text>`,
    )
  }
  parts.push('</svg>', '')
  return parts.join('\n')
}

/** Writes `timeline` as an SVG file at `path`, creating its folder. */
export function writeTimelineSvg(path: string, timeline: Timeline): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, timelineSvg(timeline))
}
