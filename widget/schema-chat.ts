// Defines <schema-chat> (define-only module, as in Shoelace): import it for the side effect.

import { SchemaChat } from './schema-chat.component.js';

// Two copies of the widget on one page (the drop-in bundle and the npm entry) must not throw.
if (!customElements.get('schema-chat')) customElements.define('schema-chat', SchemaChat);

declare global {
  interface HTMLElementTagNameMap {
    'schema-chat': SchemaChat;
  }
}

export { SchemaChat };
