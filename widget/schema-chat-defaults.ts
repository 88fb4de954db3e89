// The default of every <schema-chat> setting that has one, written once (the element's docblock
// and widget/README.md say the same). Texts default to `defaultStrings` (schema-chat-strings.ts).

/** Defaults of the element's attributes and of its controller's timing. */
export const schemaChatDefaults = Object.freeze({
  /** `mode`: a panel in the page flow. */
  mode: 'inline' as const,
  /** `open`: the launcher panel starts closed. */
  open: false,
  /** `theme`: follows `prefers-color-scheme`. */
  theme: 'auto' as const,
  /** `transport`: answers stream over SSE. */
  transport: 'sse' as const,
  /** How long a stop waits for the server to name a new conversation before dropping the stream. */
  stopWaitMs: 10_000,
});
