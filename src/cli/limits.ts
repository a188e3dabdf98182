/**
 * What the CLI accepts, bounded so that no input can make it hold unbounded memory or echo
 * unbounded text (without them, 50 MB of hex on stdin took 1.6 GB and a 1 MB argument was echoed whole).
 * Past a limit the command stops reading, says which limit, and exits 2. docs/catalog.md lists them.
 */
export const CLI_LIMITS = {
  /**
   * Hex text `decode` reads, from arguments or stdin, in characters (spaces and separators
   * included): 32 MiB, about 16 MiB of bytes, above the 16 MiB the testkit lets a frame carry.
   */
  maxDecodeHexChars: 32 * 1024 * 1024,
  /**
   * One `explain` input (an argument or a line of stdin), in characters. A type is at most a few
   * dozen characters; a logged `CODE TYPE: description` line fits with room to spare.
   */
  maxExplainInputChars: 1024,
  /** How much of a rejected input an error message quotes, in characters. */
  maxEchoedChars: 40,
} as const

/** `text` cut to what an error message may quote, with a note of its real length. */
export function quoteBounded(text: string): string {
  if (text.length <= CLI_LIMITS.maxEchoedChars) return JSON.stringify(text)
  return `${JSON.stringify(text.slice(0, CLI_LIMITS.maxEchoedChars))}... (${text.length} characters)`
}
