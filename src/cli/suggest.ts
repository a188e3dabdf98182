import { searchCatalog } from '../catalog/index.js'

/** How many names "did you mean" offers. */
const MAX_SUGGESTIONS = 3

let names: readonly string[] | undefined

/**
 * Edit distance between `a` and `b`, or `limit + 1` as soon as it must exceed `limit`: one row at a
 * time, stopping when a whole row is past the limit, so a long input against ~900 names stays cheap.
 */
export function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1
      const value = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
      row.push(value)
      if (value < best) best = value
    }
    if (best > limit) return limit + 1
    previous = row
  }
  const distance = previous[b.length] as number
  return distance > limit ? limit + 1 : distance
}

/**
 * Catalogue names close to `type` (case and the numbers of parameters ignored: `FLOD_WAIT_30`
 * is compared as `FLOD_WAIT_%d`), closest first. Allows about one wrong character in four.
 */
export function closeCatalogNames(type: string): string[] {
  names ??= searchCatalog().map((entry) => entry.name)
  const target = type.toUpperCase().replace(/\d+/g, '%d')
  const limit = Math.max(1, Math.floor(target.length / 4))
  const scored: [name: string, distance: number][] = []
  for (const name of names) {
    const distance = boundedDistance(target, name, limit)
    if (distance <= limit) scored.push([name, distance])
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
  return scored.slice(0, MAX_SUGGESTIONS).map(([name]) => name)
}
