// Every user-visible text of <schema-chat>: English defaults that the `strings` property merges over.

/**
 * The texts of `<schema-chat>`. Set the element's `strings` property to a partial object to
 * translate or reword any of them; `{seconds}` is filled in where shown.
 */
export interface SchemaChatStrings {
  /** Title in the header. Defaults to "Schema assistant" (the `heading` attribute wins). */
  heading: string;
  /** Placeholder of the message box. Defaults to "Ask about your schema…" (the `placeholder` attribute wins). */
  placeholder: string;
  /** Accessible name of the message box. Defaults to "Message". */
  inputLabel: string;
  /** Accessible name of the conversation log. Defaults to "Conversation". */
  logLabel: string;
  /** Send button. Defaults to "Send". */
  send: string;
  /** Stop button shown while an answer is written. Defaults to "Stop". */
  stop: string;
  /** Label of the streaming toggle. Defaults to "Stream responses". */
  streamToggle: string;
  /** New-conversation button. Defaults to "New conversation". */
  newConversation: string;
  /** Launcher bubble. Defaults to "Open chat". */
  open: string;
  /** Close button of the launcher panel. Defaults to "Close chat". */
  close: string;
  /** Shown before any message. Defaults to "Ask anything about the tables, columns and relations of this project." */
  empty: string;
  /** Author label of the user's messages. Defaults to "You". */
  you: string;
  /** Author label of answers. Defaults to "Assistant". */
  assistant: string;
  /** Typing indicator before the first token. Defaults to "Assistant is typing". */
  typing: string;
  /** Loading history. Defaults to "Loading conversation…". */
  loading: string;
  /** Mark of an answer the user stopped. Defaults to "Stopped". */
  stopped: string;
  /** Mark of an answer cut short by an error. Defaults to "Interrupted". */
  interrupted: string;
  /** Copy button of code blocks. Defaults to "Copy code". */
  copy: string;
  /** Copy button after copying. Defaults to "Copied". */
  copied: string;
  /** Copy button when the clipboard refused. Defaults to "Copy failed". */
  copyFailed: string;
  /** Stands in for an image in an answer (images are never loaded). Defaults to "image". */
  image: string;
  /** Name of a table in an answer (a keyboard-scrollable region). Defaults to "Table". */
  table: string;
  /** Under a SQL block whose every table and column is in the schema. Defaults to "Matches the schema". */
  sqlCheckOk: string;
  /** A name a SQL block uses that the schema lacks. Defaults to "{name} is not in the schema". */
  sqlCheckUnknown: string;
  /** After {@link SchemaChatStrings.sqlCheckUnknown}, with the closest real name. Defaults to " — did you mean {suggestion}?". */
  sqlCheckSuggestion: string;
  /** Under a SQL block the checker could not read. Defaults to "Not checked against the schema". */
  sqlCheckUnparsed: string;
  /** Accessible name of a SQL block's verdict. Defaults to "Schema check". */
  sqlCheckLabel: string;
  /** Button on the last answer: ask its question again. Defaults to "Regenerate". */
  regenerate: string;
  /** Button on a stopped or interrupted last answer: let the model go on. Defaults to "Continue". */
  continue: string;
  /** Accessible name of an answer's version switcher. Defaults to "Versions". */
  versions: string;
  /** The switcher's button to the earlier version. Defaults to "Previous version". */
  previousVersion: string;
  /** The switcher's button to the later version. Defaults to "Next version". */
  nextVersion: string;
  /** Said when another version is shown; `{current}` and `{total}` filled in. Defaults to "Version {current} of {total}". */
  versionOf: string;
  /** The rating button of a good answer. Defaults to "Good answer". */
  feedbackUp: string;
  /** The rating button of a bad answer. Defaults to "Bad answer". */
  feedbackDown: string;
  /** Said once a rating is stored. Defaults to "Thanks for the feedback". */
  feedbackSaved: string;
  /** A rating the server refused (before the reason). Defaults to "The rating could not be saved." */
  errorFeedback: string;
  /** The header button and the list of the user's conversations. Defaults to "Conversations". */
  conversations: string;
  /** The list when there are none. Defaults to "No conversations yet." */
  conversationsEmpty: string;
  /** Below the list when there are more. Defaults to "Show more". */
  conversationsMore: string;
  /** A conversation's delete button; `{title}` filled in. Defaults to "Delete “{title}”". */
  deleteConversation: string;
  /** The delete button once pressed, asking to press again. Defaults to "Delete “{title}”? Press again to confirm". */
  confirmDelete: string;
  /** Said once a conversation is deleted. Defaults to "Conversation deleted". */
  conversationDeleted: string;
  /** Usage (`show-usage`): the last answer's tokens. Defaults to "Last answer: {tokens} tokens". */
  usageLast: string;
  /** Usage with a daily allowance; `{left}`, `{limit}` and `{time}` filled in. Defaults to "{left} of {limit} tokens left today, renews at {time}". */
  usageLeft: string;
  /** Retry button of the error display. Defaults to "Retry". */
  retry: string;
  /** Above the oldest message shown when there are earlier ones. Defaults to "Show earlier messages". */
  loadOlder: string;
  /** The retry button while a 429's wait runs (counts down, disabled). Defaults to "Retry in {seconds} s". */
  retryIn: string;
  /** Shown when streaming failed and the answer came through REST. Defaults to "Streaming is unavailable; this answer arrived in one piece." */
  fallbackNotice: string;
  /** 401. Defaults to "Your session has expired or is not valid. Sign in again, then retry." */
  errorAuth: string;
  /** 403. Defaults to "This page is not allowed to use the assistant." */
  errorForbidden: string;
  /** 404. Defaults to "This project or conversation was not found." */
  errorNotFound: string;
  /** 409. Defaults to "An answer is still being written in this conversation. Wait a moment, then retry." */
  errorConflict: string;
  /** 413 and 400. Defaults to "The message could not be sent: it is empty or too long." */
  errorInvalid: string;
  /** 429. Defaults to "Too many requests. Try again in {seconds} s." */
  errorRateLimited: string;
  /** 429 without a known wait. Defaults to "Too many requests. Try again in a moment." */
  errorRateLimitedNoWait: string;
  /** 5xx and upstream faults. Defaults to "The assistant is unavailable right now. Try again in a moment." */
  errorUnavailable: string;
  /** No response at all. Defaults to "The server could not be reached. Check your connection, then retry." */
  errorNetwork: string;
  /** History failed to load. Defaults to "The conversation could not be loaded." */
  errorHistory: string;
  /** `api-url`/`client` or `project-id` missing. Defaults to "The chat is not configured: set api-url and project-id." */
  errorNotConfigured: string;
  /** Anything else. Defaults to "Something went wrong. Try again." */
  errorGeneric: string;
}

/** The English defaults of {@link SchemaChatStrings}. */
export const defaultStrings: Readonly<SchemaChatStrings> = Object.freeze({
  heading: 'Schema assistant',
  placeholder: 'Ask about your schema…',
  inputLabel: 'Message',
  logLabel: 'Conversation',
  send: 'Send',
  stop: 'Stop',
  streamToggle: 'Stream responses',
  newConversation: 'New conversation',
  open: 'Open chat',
  close: 'Close chat',
  empty: 'Ask anything about the tables, columns and relations of this project.',
  you: 'You',
  assistant: 'Assistant',
  typing: 'Assistant is typing',
  loading: 'Loading conversation…',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
  copy: 'Copy code',
  copied: 'Copied',
  copyFailed: 'Copy failed',
  image: 'image',
  table: 'Table',
  sqlCheckOk: 'Matches the schema',
  sqlCheckUnknown: '{name} is not in the schema',
  sqlCheckSuggestion: ' — did you mean {suggestion}?',
  sqlCheckUnparsed: 'Not checked against the schema',
  sqlCheckLabel: 'Schema check',
  regenerate: 'Regenerate',
  continue: 'Continue',
  versions: 'Versions',
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  versionOf: 'Version {current} of {total}',
  feedbackUp: 'Good answer',
  feedbackDown: 'Bad answer',
  feedbackSaved: 'Thanks for the feedback',
  errorFeedback: 'The rating could not be saved.',
  conversations: 'Conversations',
  conversationsEmpty: 'No conversations yet.',
  conversationsMore: 'Show more',
  deleteConversation: 'Delete “{title}”',
  confirmDelete: 'Delete “{title}”? Press again to confirm',
  conversationDeleted: 'Conversation deleted',
  usageLast: 'Last answer: {tokens} tokens',
  usageLeft: '{left} of {limit} tokens left today, renews at {time}',
  retry: 'Retry',
  loadOlder: 'Show earlier messages',
  retryIn: 'Retry in {seconds} s',
  fallbackNotice: 'Streaming is unavailable; this answer arrived in one piece.',
  errorAuth: 'Your session has expired or is not valid. Sign in again, then retry.',
  errorForbidden: 'This page is not allowed to use the assistant.',
  errorNotFound: 'This project or conversation was not found.',
  errorConflict:
    'An answer is still being written in this conversation. Wait a moment, then retry.',
  errorInvalid: 'The message could not be sent: it is empty or too long.',
  errorRateLimited: 'Too many requests. Try again in {seconds} s.',
  errorRateLimitedNoWait: 'Too many requests. Try again in a moment.',
  errorUnavailable: 'The assistant is unavailable right now. Try again in a moment.',
  errorNetwork: 'The server could not be reached. Check your connection, then retry.',
  errorHistory: 'The conversation could not be loaded.',
  errorNotConfigured: 'The chat is not configured: set api-url and project-id.',
  errorGeneric: 'Something went wrong. Try again.',
});

/** Merges overrides over {@link defaultStrings}, ignoring keys that are not strings. */
export function resolveStrings(overrides?: Partial<SchemaChatStrings> | null): SchemaChatStrings {
  const strings: SchemaChatStrings = { ...defaultStrings };
  if (!overrides) return strings;
  for (const key of Object.keys(defaultStrings) as (keyof SchemaChatStrings)[]) {
    const value = overrides[key];
    // A host passing `undefined` or a non-string keeps the default rather than showing "undefined".
    if (typeof value === 'string') strings[key] = value;
  }
  return strings;
}

/** Fills `{name}` placeholders of a string from `values`; unknown placeholders stay as written. */
export function formatString(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
