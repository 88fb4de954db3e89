-- Bookstore: catalogue, customers, orders, payments, shipping and reviews (PostgreSQL).

CREATE TABLE publishers (
  id          BIGSERIAL PRIMARY KEY,
  name        VARCHAR(200) NOT NULL UNIQUE,
  country     CHAR(2),
  website     TEXT
);

CREATE TABLE authors (
  id          BIGSERIAL PRIMARY KEY,
  full_name   VARCHAR(200) NOT NULL,
  born_on     DATE,
  biography   TEXT
);

CREATE TABLE categories (
  id          BIGSERIAL PRIMARY KEY,
  parent_id   BIGINT REFERENCES categories(id),
  name        VARCHAR(120) NOT NULL,
  slug        VARCHAR(120) NOT NULL UNIQUE
);

CREATE TABLE books (
  id            BIGSERIAL PRIMARY KEY,
  isbn          CHAR(13) NOT NULL UNIQUE,
  title         VARCHAR(300) NOT NULL,
  publisher_id  BIGINT NOT NULL REFERENCES publishers(id),
  published_on  DATE,
  language      CHAR(2) NOT NULL DEFAULT 'en',
  pages         INTEGER CHECK (pages > 0),
  price_cents   INTEGER NOT NULL CHECK (price_cents >= 0),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE book_authors (
  book_id     BIGINT NOT NULL REFERENCES books(id) ON DELETE CASCADE,
  author_id   BIGINT NOT NULL REFERENCES authors(id),
  position    SMALLINT NOT NULL DEFAULT 1,
  PRIMARY KEY (book_id, author_id)
);

CREATE TABLE book_categories (
  book_id      BIGINT NOT NULL REFERENCES books(id) ON DELETE CASCADE,
  category_id  BIGINT NOT NULL REFERENCES categories(id),
  PRIMARY KEY (book_id, category_id)
);

CREATE TABLE inventory (
  book_id       BIGINT PRIMARY KEY REFERENCES books(id),
  on_hand       INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved      INTEGER NOT NULL DEFAULT 0,
  reorder_level INTEGER NOT NULL DEFAULT 5,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id            BIGSERIAL PRIMARY KEY,
  email         VARCHAR(320) NOT NULL UNIQUE,
  full_name     VARCHAR(200) NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE addresses (
  id            BIGSERIAL PRIMARY KEY,
  customer_id   BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  line1         VARCHAR(200) NOT NULL,
  line2         VARCHAR(200),
  city          VARCHAR(120) NOT NULL,
  postal_code   VARCHAR(20) NOT NULL,
  country       CHAR(2) NOT NULL
);

CREATE TABLE orders (
  id                   BIGSERIAL PRIMARY KEY,
  customer_id          BIGINT NOT NULL REFERENCES customers(id),
  shipping_address_id  BIGINT REFERENCES addresses(id),
  status               VARCHAR(20) NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
  total_cents          INTEGER NOT NULL,
  placed_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
  order_id          BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  book_id           BIGINT NOT NULL REFERENCES books(id),
  quantity          INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents  INTEGER NOT NULL,
  PRIMARY KEY (order_id, book_id)
);

CREATE TABLE payments (
  id             BIGSERIAL PRIMARY KEY,
  order_id       BIGINT NOT NULL REFERENCES orders(id),
  provider       VARCHAR(40) NOT NULL,
  provider_ref   VARCHAR(120) NOT NULL,
  amount_cents   INTEGER NOT NULL,
  paid_at        TIMESTAMPTZ
);

CREATE TABLE shipments (
  id               BIGSERIAL PRIMARY KEY,
  order_id         BIGINT NOT NULL REFERENCES orders(id),
  carrier          VARCHAR(60) NOT NULL,
  tracking_number  VARCHAR(80),
  shipped_at       TIMESTAMPTZ,
  delivered_at     TIMESTAMPTZ
);

CREATE TABLE reviews (
  id           BIGSERIAL PRIMARY KEY,
  book_id      BIGINT NOT NULL REFERENCES books(id) ON DELETE CASCADE,
  customer_id  BIGINT NOT NULL REFERENCES customers(id),
  rating       SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  body         TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (book_id, customer_id)
);

CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC);
CREATE INDEX books_by_publisher ON books (publisher_id);
