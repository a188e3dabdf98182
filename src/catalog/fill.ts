/** Values that can fill a `{name}` placeholder: parameter numbers, or words such as a field name. */
export type PlaceholderValues = Readonly<Record<string, number | string>>

/**
 * Puts values into `{name}` placeholders. A placeholder without a value becomes `<name>`, so text
 * read for a bare template (`FLOOD_WAIT_%d`) still says which number goes where.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  if (!text.includes('{')) return text
  return text.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = values[name]
    return value === undefined ? `<${name}>` : String(value)
  })
}

/** `phone_number` -> `phone number`, for sentences. */
export function fieldWords(field: string): string {
  return field.replace(/_/g, ' ')
}
