// The project every benchmark turn asks about: a mid-sized shop schema (12 tables, foreign keys,
// indexes), so context building does the work it does for a real user.
// Plain erasable TypeScript: Node runs it directly (type stripping).

/** The schema of the bench project, as SQL DDL. */
export const BENCH_SCHEMA = `
CREATE TABLE customers (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE addresses (id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE, line1 TEXT NOT NULL, city TEXT NOT NULL, postal_code TEXT NOT NULL, country CHAR(2) NOT NULL);
CREATE TABLE categories (id SERIAL PRIMARY KEY, parent_id INT REFERENCES categories(id), name TEXT NOT NULL);
CREATE TABLE products (id BIGSERIAL PRIMARY KEY, category_id INT NOT NULL REFERENCES categories(id), sku TEXT NOT NULL UNIQUE, title TEXT NOT NULL, description TEXT, price_cents INT NOT NULL CHECK (price_cents >= 0), active BOOLEAN NOT NULL DEFAULT true);
CREATE TABLE inventory (product_id BIGINT PRIMARY KEY REFERENCES products(id), on_hand INT NOT NULL DEFAULT 0, reserved INT NOT NULL DEFAULT 0);
CREATE TABLE carts (id UUID PRIMARY KEY, customer_id BIGINT REFERENCES customers(id), updated_at TIMESTAMPTZ NOT NULL);
CREATE TABLE cart_items (cart_id UUID NOT NULL REFERENCES carts(id) ON DELETE CASCADE, product_id BIGINT NOT NULL REFERENCES products(id), quantity INT NOT NULL, PRIMARY KEY (cart_id, product_id));
CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id), shipping_address_id BIGINT REFERENCES addresses(id), status TEXT NOT NULL DEFAULT 'pending', placed_at TIMESTAMPTZ NOT NULL DEFAULT now(), total_cents INT NOT NULL);
CREATE TABLE order_items (order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE, product_id BIGINT NOT NULL REFERENCES products(id), quantity INT NOT NULL CHECK (quantity > 0), unit_price_cents INT NOT NULL, PRIMARY KEY (order_id, product_id));
CREATE TABLE payments (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders(id), provider TEXT NOT NULL, amount_cents INT NOT NULL, captured_at TIMESTAMPTZ);
CREATE TABLE shipments (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders(id), carrier TEXT NOT NULL, tracking_number TEXT, shipped_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ);
CREATE TABLE reviews (id BIGSERIAL PRIMARY KEY, product_id BIGINT NOT NULL REFERENCES products(id), customer_id BIGINT NOT NULL REFERENCES customers(id), rating SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5), body TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), UNIQUE (product_id, customer_id));
CREATE INDEX orders_customer_idx ON orders (customer_id, placed_at DESC);
CREATE INDEX order_items_product_idx ON order_items (product_id);
CREATE INDEX reviews_product_idx ON reviews (product_id);
`.trim();

/** The bench project's id. */
export const BENCH_PROJECT_ID = 'shop';

/**
 * A realistic answer about the bench project: prose, a list and a SQL block per section, the SQL
 * naming the schema's real tables and columns (one query per section names a column that does not
 * exist, as answers sometimes do), so the check of an answer's SQL at the end of a turn has real
 * work. About `tokens` word-sized tokens.
 */
export function benchAnswer(tokens: number): string {
  const sections = [
    "## A customer's last orders\n\nThe `orders` table holds one row per order and references `customers` through `customer_id`; `orders_customer_idx` covers this query.\n\n- `placed_at` orders them\n- `total_cents` is the amount\n\n```sql\nSELECT o.id, o.placed_at, o.total_cents\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE c.email = $1\nORDER BY o.placed_at DESC\nLIMIT 10;\n```\n\n",
    '## Best-selling products\n\nSum the quantities of `order_items` per product and join `products` for the title.\n\n```sql\nSELECT p.sku, p.title, SUM(oi.quantity) AS sold\nFROM order_items oi\nJOIN products p ON p.id = oi.product_id\nGROUP BY p.sku, p.title\nORDER BY sold DESC\nLIMIT 5;\n```\n\n',
    '## Reviews of a product\n\nEach review belongs to one product and one customer (`reviews_product_idx`).\n\n```sql\nSELECT r.rating, r.body, c.name, r.stars\nFROM reviews r\nJOIN customers c ON c.id = r.customer_id\nWHERE r.product_id = $1;\n```\n\n',
  ];
  let text = '';
  for (let i = 0; (text.match(/\s*\S+/g)?.length ?? 0) < tokens; i++)
    text += sections[i % sections.length];
  return (text.match(/\s*\S+|\s+/g) ?? []).slice(0, tokens).join('');
}
