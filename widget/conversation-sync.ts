// Widgets of one page that show the same user's conversation in the same project (an inline chat
// and a launcher, say) follow each other: when one ends a turn or starts over, the others show it.
// One channel per copy of the widget code; the key is the remembered-conversation storage key.

/** What a widget tells the others of its page. */
export interface ConversationAnnouncement {
  /** The storage key of the conversation that changed (api-url, user, project). */
  key: string;
  /** Who announced it (a widget ignores its own announcements). */
  source: object;
}

const channel = new EventTarget();

/** Tells the page's other widgets that the conversation remembered under `key` changed. */
export function announceConversation(key: string, source: object): void {
  channel.dispatchEvent(
    new CustomEvent<ConversationAnnouncement>('change', { detail: { key, source } }),
  );
}

/** Calls `listener` on every announcement until the returned function is called. */
export function onConversationAnnounced(
  listener: (announcement: ConversationAnnouncement) => void,
): () => void {
  const handler = (event: Event) =>
    listener((event as CustomEvent<ConversationAnnouncement>).detail);
  channel.addEventListener('change', handler);
  return () => channel.removeEventListener('change', handler);
}
