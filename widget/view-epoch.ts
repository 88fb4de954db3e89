// The one stale-result guard of an element: every job started for what the element shows (a
// history load, an older page, a turn's conversation) holds the ticket of that view, and its
// result is applied only while the ticket is current. Moving to another conversation makes every
// earlier ticket stale and aborts its signal, as Lit's Task does with its call id.

/** The view a job was started for. */
export interface ViewTicket {
  /** Whether the element still shows the view this ticket was taken for. */
  readonly current: boolean;
  /** Aborts once the ticket is stale: requests made for the old view stop. */
  readonly signal: AbortSignal;
}

/** Hands out the ticket of the current view; {@link ViewEpoch.advance} moves to a new one. */
export class ViewEpoch {
  #controller = new AbortController();
  #ticket: ViewTicket = this.#issue();

  /** The ticket of what is shown now. */
  get ticket(): ViewTicket {
    return this.#ticket;
  }

  /** Moves to a new view: every earlier ticket goes stale (and its signal aborts). */
  advance(): ViewTicket {
    this.#controller.abort();
    this.#controller = new AbortController();
    this.#ticket = this.#issue();
    return this.#ticket;
  }

  #issue(): ViewTicket {
    const epoch = this;
    const { signal } = this.#controller;
    return {
      get current() {
        return epoch.#ticket === this;
      },
      signal,
    };
  }
}
