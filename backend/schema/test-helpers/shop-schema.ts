// Test fixtures: a realistic shop schema (Postgres DDL) and a generator of large schemas.

/** A small shop in Postgres DDL, the way a schema designer exports it. */
export const SHOP_DDL = `
-- Shop schema, exported by the designer
CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email varchar(255) NOT NULL UNIQUE,
  full_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE customers IS 'People who buy things';

CREATE TABLE addresses (
  id bigserial PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  line1 text NOT NULL,
  city text NOT NULL,
  country char(2) NOT NULL
);

CREATE TABLE categories (
  id serial PRIMARY KEY,
  name text NOT NULL,
  parent_id int REFERENCES categories(id)
);

CREATE TABLE products (
  id bigserial PRIMARY KEY,
  sku varchar(40) NOT NULL UNIQUE,
  name text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  category_id int REFERENCES categories(id)
);

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id uuid NOT NULL,
  shipping_address_id bigint REFERENCES addresses(id),
  status text NOT NULL DEFAULT 'pending',
  placed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products(id),
  quantity int NOT NULL DEFAULT 1,
  unit_price_cents integer NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE payments (
  id bigserial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders(id),
  amount_cents integer NOT NULL,
  provider text NOT NULL,
  paid_at timestamptz
);

CREATE TABLE audit_log (
  happened_at timestamptz NOT NULL DEFAULT now(),
  actor text,
  action text NOT NULL
);
`;

/**
 * A schema of `count` tables `t000 … t<count-1>` plus a hub table `accounts`: every table has 8
 * columns and references the previous table and `accounts`, so the graph is connected and every
 * table is about the same size.
 */
export function generateLargeDdl(count: number): string {
  const statements = [
    'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, plan text NOT NULL);',
  ];
  for (let i = 0; i < count; i++) {
    const name = tableName(i);
    const previous =
      i > 0 ? `  ${tableName(i - 1)}_id bigint REFERENCES ${tableName(i - 1)}(id),\n` : '';
    statements.push(
      `CREATE TABLE ${name} (\n  id bigint PRIMARY KEY,\n  account_id bigint NOT NULL REFERENCES accounts(id),\n${previous}` +
        `  label_${i} text NOT NULL,\n  amount_${i} numeric(12,2),\n  note_${i} text,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  updated_at timestamptz\n);`,
    );
  }
  return statements.join('\n');
}

/** Name of the i-th generated table: `t000`, `t001`, … */
export function tableName(i: number): string {
  return `t${String(i).padStart(3, '0')}`;
}
