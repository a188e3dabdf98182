/** Something a call is parked on; cancelled when the call ends. */
export interface Cancellable {
  /** Ends the wait at once, releasing its timer or listener. */
  cancel(): void
}
