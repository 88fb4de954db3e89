// Names the tables closest to a table name the schema does not have: spelling first, then tables
// that play the same role (`customers` → `attendees`, `students`, `organizations`).

import { closestName } from '../sql-check/closest-name.js';
import { singularize, splitWords } from './find-mentioned-tables.js';
import type { ParsedSchema, ParsedTable } from './parsed-schema.js';

/** Words for the same kind of thing, in singular: a table of one may stand in for another. */
const ROLE_GROUPS: readonly (readonly string[])[] = [
  [
    'customer',
    'client',
    'buyer',
    'shopper',
    'purchaser',
    'user',
    'account',
    'member',
    'attendee',
    'student',
    'learner',
    'subscriber',
    'patron',
    'guest',
    'participant',
    'person',
    'contact',
    'organization',
    'organisation',
    'company',
    'tenant',
  ],
  ['product', 'item', 'article', 'good', 'sku', 'book', 'course', 'event', 'plan', 'listing'],
  [
    'order',
    'purchase',
    'sale',
    'invoice',
    'booking',
    'reservation',
    'transaction',
    'checkout',
    'subscription',
    'enrollment',
    'enrolment',
    'ticket',
  ],
  [
    'employee',
    'staff',
    'instructor',
    'teacher',
    'organizer',
    'organiser',
    'author',
    'seller',
    'vendor',
  ],
  ['payment', 'charge', 'transaction', 'refund', 'credit'],
  ['review', 'rating', 'feedback', 'comment'],
];

/**
 * Up to `limit` tables standing in for `word` (a name the schema lacks): the closest spelling
 * (`customer` → `customers`), then tables whose name is in the same role group (`customers` →
 * `attendees`, `users`), then — so that something is always named — the tables most referenced
 * by foreign keys.
 */
export function findClosestTables(schema: ParsedSchema, word: string, limit = 3): ParsedTable[] {
  const found: ParsedTable[] = [];
  const add = (table: ParsedTable | undefined) => {
    if (table && !found.includes(table) && found.length < limit) found.push(table);
  };
  const byName = new Map(schema.tables.map((table) => [table.name, table]));
  const spelled = closestName(
    word,
    schema.tables.map((table) => table.name),
  );
  add(spelled ? byName.get(spelled) : undefined);
  const target = splitWords(word).map(singularize);
  const groups = ROLE_GROUPS.filter((group) => target.some((part) => group.includes(part)));
  for (const table of schema.tables) {
    const head = splitWords(table.name.slice(table.name.lastIndexOf('.') + 1)).at(-1);
    if (head && groups.some((group) => group.includes(head))) add(table);
  }
  if (found.length === 0) {
    const incoming = new Map<ParsedTable, number>();
    for (const table of schema.tables) {
      for (const fk of table.foreignKeys) {
        const referenced = byName.get(fk.references.table);
        if (referenced && referenced !== table)
          incoming.set(referenced, (incoming.get(referenced) ?? 0) + 1);
      }
    }
    for (const [table] of [...incoming].sort((a, b) => b[1] - a[1])) add(table);
  }
  return found;
}
