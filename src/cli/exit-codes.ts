/**
 * Exit codes scripts can rely on. `UNKNOWN` follows grep: the tool worked, but found nothing (an
 * input the catalogue does not know, or a list filter that matched no entry).
 */
export const EXIT_CODES = {
  /** Everything asked for was found. */
  OK: 0,
  /** `explain`: at least one input is unknown to the catalogue; `list`: no entry matched. */
  UNKNOWN: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  USAGE: 2,
} as const
