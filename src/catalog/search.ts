import { catalogEntries } from './entries.js'
import type { CatalogEntry, CatalogQuery } from './types.js'

function haystack(entry: CatalogEntry): string {
  return [entry.name, entry.field ?? '', entry.description, entry.userMessage ?? ''].join('\n').toLowerCase()
}

/**
 * The entries that match every given filter, sorted by name: `{ code: 420 }`,
 * `{ search: 'file reference' }` (all words, case-insensitive, in the name, field, description or
 * user message), `{ method: 'messages.sendMessage' }` (entries listed for that method, plus those
 * any method can return). No filter returns the whole catalogue.
 */
export function searchCatalog(query: CatalogQuery = {}): CatalogEntry[] {
  const words = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const method = query.method?.toLowerCase()
  return catalogEntries().filter((entry) => {
    if (query.code !== undefined && !entry.codes.includes(query.code)) return false
    if (method !== undefined && !entry.anyMethod && !entry.methods.some((m) => m.toLowerCase() === method)) {
      return false
    }
    if (words.length > 0) {
      const text = haystack(entry)
      if (!words.every((word) => text.includes(word))) return false
    }
    return true
  })
}
