-- Event ticketing: venues and seating, events and performers, orders, tickets and check-in (PostgreSQL).

CREATE TABLE venues (
  id          UUID PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  city        VARCHAR(120) NOT NULL,
  country     CHAR(2) NOT NULL,
  capacity    INTEGER NOT NULL CHECK (capacity > 0),
  timezone    VARCHAR(64) NOT NULL
);

CREATE TABLE seating_sections (
  id          UUID PRIMARY KEY,
  venue_id    UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
  name        VARCHAR(80) NOT NULL,
  UNIQUE (venue_id, name)
);

CREATE TABLE seats (
  id          UUID PRIMARY KEY,
  section_id  UUID NOT NULL REFERENCES seating_sections(id) ON DELETE CASCADE,
  row_label   VARCHAR(8) NOT NULL,
  seat_number INTEGER NOT NULL,
  accessible  BOOLEAN NOT NULL DEFAULT false,
  UNIQUE (section_id, row_label, seat_number)
);

CREATE TABLE organizers (
  id            UUID PRIMARY KEY,
  name          VARCHAR(200) NOT NULL,
  contact_email VARCHAR(320) NOT NULL
);

CREATE TABLE events (
  id            UUID PRIMARY KEY,
  organizer_id  UUID NOT NULL REFERENCES organizers(id),
  venue_id      UUID NOT NULL REFERENCES venues(id),
  title         VARCHAR(200) NOT NULL,
  starts_at     TIMESTAMPTZ NOT NULL,
  ends_at       TIMESTAMPTZ NOT NULL,
  status        VARCHAR(16) NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'on_sale', 'sold_out', 'cancelled', 'finished')),
  CHECK (ends_at > starts_at)
);

CREATE TABLE performers (
  id      UUID PRIMARY KEY,
  name    VARCHAR(200) NOT NULL,
  genre   VARCHAR(60)
);

CREATE TABLE event_performers (
  event_id      UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  performer_id  UUID NOT NULL REFERENCES performers(id),
  billing_order SMALLINT NOT NULL DEFAULT 1,
  set_time      TIMESTAMPTZ,
  PRIMARY KEY (event_id, performer_id)
);

CREATE TABLE ticket_types (
  id            UUID PRIMARY KEY,
  event_id      UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  section_id    UUID REFERENCES seating_sections(id),
  name          VARCHAR(80) NOT NULL,
  price_cents   INTEGER NOT NULL CHECK (price_cents >= 0),
  quantity      INTEGER NOT NULL CHECK (quantity >= 0),
  sales_start   TIMESTAMPTZ,
  sales_end     TIMESTAMPTZ
);

CREATE TABLE attendees (
  id          UUID PRIMARY KEY,
  email       VARCHAR(320) NOT NULL UNIQUE,
  full_name   VARCHAR(200) NOT NULL,
  phone       VARCHAR(32)
);

CREATE TABLE promo_codes (
  id            UUID PRIMARY KEY,
  event_id      UUID NOT NULL REFERENCES events(id),
  code          VARCHAR(32) NOT NULL,
  percent_off   SMALLINT CHECK (percent_off BETWEEN 1 AND 100),
  max_uses      INTEGER,
  UNIQUE (event_id, code)
);

CREATE TABLE orders (
  id              UUID PRIMARY KEY,
  attendee_id     UUID NOT NULL REFERENCES attendees(id),
  promo_code_id   UUID REFERENCES promo_codes(id),
  total_cents     INTEGER NOT NULL,
  currency        CHAR(3) NOT NULL DEFAULT 'EUR',
  status          VARCHAR(16) NOT NULL CHECK (status IN ('pending', 'paid', 'refunded', 'expired')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
  id              UUID PRIMARY KEY,
  order_id        UUID NOT NULL REFERENCES orders(id),
  ticket_type_id  UUID NOT NULL REFERENCES ticket_types(id),
  seat_id         UUID REFERENCES seats(id),
  barcode         VARCHAR(64) NOT NULL UNIQUE,
  holder_name     VARCHAR(200)
);

CREATE TABLE check_ins (
  id            BIGSERIAL PRIMARY KEY,
  ticket_id     UUID NOT NULL REFERENCES tickets(id),
  gate          VARCHAR(20) NOT NULL,
  scanned_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
