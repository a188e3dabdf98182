/**
 * The TL method name of a GramJS request: GramJS names its request classes after the method with
 * the first letter of the method capitalised (`messages.SendMessage`), while the catalogue, flood
 * rules and every other client use the schema's spelling (`messages.sendMessage`).
 */
export function methodNameOf(className: string): string {
  const dot = className.lastIndexOf('.')
  const head = className.slice(0, dot + 1)
  const name = className.slice(dot + 1)
  return head + name.charAt(0).toLowerCase() + name.slice(1)
}
