// A small incremental parser of an upstream `text/event-stream` body (WHATWG HTML §9.2.6), for
// the model client: text in, complete events (`event` name and joined `data`) out. Pure: no I/O,
// so chunk boundaries (mid-line, mid-CRLF) are tested directly.

/** One dispatched event. */
export interface SseDataMessage {
  /** The `event:` name, or `undefined` for an unnamed event. */
  event: string | undefined;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** Takes one dispatched event (`event` name, joined `data`); returning true stops decoding. */
export type SseEventHandler = (event: string | undefined, data: string) => boolean | undefined;

/**
 * Feeds decoded text, returns the events it completed. Comments (`: …`), `id:` and `retry:` are
 * ignored (a model stream has no use for them); an event with no `data:` line is not dispatched.
 * An unfinished event at the end of the stream is dropped, as a browser drops it.
 */
export class SseDataDecoder {
  /** Text after the last line break. */
  #partial = '';
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to it. */
  #afterCr = false;
  #data: string | undefined;
  #event: string | undefined;

  /** Whether nothing of an unfinished line or event is held (the next text starts afresh). */
  get idle(): boolean {
    return (
      this.#partial === '' &&
      !this.#afterCr &&
      this.#data === undefined &&
      this.#event === undefined
    );
  }

  /** Parses `text` (the next piece of the body) and returns the events it completed, in order. */
  feed(text: string): SseDataMessage[] {
    const out: SseDataMessage[] = [];
    this.feedEach(text, (event, data) => {
      out.push({ event, data });
      return false;
    });
    return out;
  }

  /**
   * Parses `text` like {@link SseDataDecoder.feed}, handing each completed event to `onEvent`
   * instead of collecting them (the per-token path: no array, no object per event). When
   * `onEvent` returns true, decoding stops there and the rest of `text` is dropped (the stream
   * is over).
   */
  feedEach(text: string, onEvent: SseEventHandler): void {
    let start = 0;
    if (this.#afterCr && text.charCodeAt(0) === 10) start = 1;
    this.#afterCr = false;
    const length = text.length;
    // Line breaks found with indexOf (native) rather than char by char: LF only, the usual case,
    // unless the text has a CR anywhere.
    if (text.indexOf('\r', start) === -1) {
      for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
        const line =
          this.#partial === '' ? text.slice(start, end) : this.#partial + text.slice(start, end);
        this.#partial = '';
        start = end + 1;
        if (this.#line(line, onEvent)) return;
      }
    } else {
      for (let i = start; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code !== 10 && code !== 13) continue;
        const line =
          this.#partial === '' ? text.slice(start, i) : this.#partial + text.slice(start, i);
        this.#partial = '';
        if (this.#line(line, onEvent)) return;
        if (code === 13) {
          if (i + 1 === length) this.#afterCr = true;
          else if (text.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
    }
    if (start < length) this.#partial += text.slice(start);
  }

  /** Takes one line; true when the handler asked to stop. */
  #line(line: string, onEvent: SseEventHandler): boolean {
    if (line === '') {
      const data = this.#data;
      const event = this.#event;
      this.#data = undefined;
      this.#event = undefined;
      return data !== undefined && onEvent(event, data) === true;
    }
    // The usual line, `data: <json>`, without splitting it into field and value.
    if (line.startsWith('data: ')) {
      const value = line.slice(6);
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
      return false;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return false; // a comment
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    else if (field === 'event') this.#event = value;
    return false;
  }
}
