// findClosestTables: spelling, tables in the same role, and the most referenced tables otherwise.

import { describe, expect, it } from 'vitest';
import { findClosestTables } from './find-closest-tables.js';
import { parseSchema } from './parse-schema.js';
import { SHOP_DDL } from './test-helpers/shop-schema.js';

const names = (tables: { name: string }[]) => tables.map((table) => table.name);

describe('findClosestTables', () => {
  it('puts the closest spelling first', () => {
    expect(names(findClosestTables(parseSchema(SHOP_DDL), 'customer'))[0]).toBe('customers');
    expect(names(findClosestTables(parseSchema(SHOP_DDL), 'order_item'))[0]).toBe('order_items');
  });

  it('names tables that play the same role when the spelling is far', () => {
    const schema = parseSchema(
      'CREATE TABLE students (id int PRIMARY KEY); CREATE TABLE courses (id int PRIMARY KEY); CREATE TABLE enrollments (id int PRIMARY KEY, student_id int REFERENCES students, course_id int REFERENCES courses);',
    );
    expect(names(findClosestTables(schema, 'customers'))).toEqual(['students']);
    expect(names(findClosestTables(schema, 'orders'))).toEqual(['enrollments']);
  });

  it('falls back to the most referenced tables, and to nothing in an empty schema', () => {
    const schema = parseSchema(
      'CREATE TABLE hubs (id int PRIMARY KEY); CREATE TABLE spokes (id int PRIMARY KEY, hub_id int REFERENCES hubs); CREATE TABLE rims (id int PRIMARY KEY, hub_id int REFERENCES hubs, spoke_id int REFERENCES spokes);',
    );
    expect(names(findClosestTables(schema, 'zebras'))).toEqual(['hubs', 'spokes']);
    expect(findClosestTables(parseSchema(''), 'x')).toEqual([]);
  });
});
