/** A thrown value's message, for the reasons and internal errors the cluster counts. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
