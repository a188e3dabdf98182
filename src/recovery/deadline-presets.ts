/**
 * Suggested `deadlineMs` values, by what waits for the call. A deadline is the whole budget of a
 * call (every flood wait, retry and redirect inside it), as in TDLib.
 */
export const deadlinePresets = Object.freeze({
  /** A person waits on a screen: as long as they plausibly stay, and the default. */
  interactive: 60_000,
  /**
   * A bot answering an update: the user expects an answer within seconds, and an answer that comes
   * a minute late is worse than none (and holds the update queue).
   */
  bot: 10_000,
  /** Typing indicators and other ephemeral actions: stale after a few seconds, never worth a wait. */
  typing: 3_000,
  /** Background work (sync, downloads, archiving): long, but still bounded. */
  background: 600_000,
} as const)
