// The wire shape of a SQL check of an answer lives in the client protocol (sdk/protocol.ts), since
// it travels in `complete` events, REST answers and history; the checker uses it from there.

export type {
  SqlCheck,
  SqlCheckBlock,
  SqlCheckStatus,
  UnknownIdentifier,
} from '../../sdk/protocol.js';
