-- SaaS billing: organisations and seats, plans and prices, subscriptions, metered usage,
-- invoices, payments and credits (PostgreSQL).

CREATE TABLE organizations (
  id            UUID PRIMARY KEY,
  name          VARCHAR(200) NOT NULL,
  billing_email VARCHAR(320) NOT NULL,
  country       CHAR(2) NOT NULL,
  tax_id        VARCHAR(40),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id          UUID PRIMARY KEY,
  email       VARCHAR(320) NOT NULL UNIQUE,
  full_name   VARCHAR(200) NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id          UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role             VARCHAR(16) NOT NULL CHECK (role IN ('owner', 'admin', 'billing', 'member')),
  joined_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);

CREATE TABLE plans (
  id          UUID PRIMARY KEY,
  code        VARCHAR(40) NOT NULL UNIQUE,
  name        VARCHAR(120) NOT NULL,
  active      BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE prices (
  id               UUID PRIMARY KEY,
  plan_id          UUID NOT NULL REFERENCES plans(id),
  currency         CHAR(3) NOT NULL,
  billing_interval VARCHAR(8) NOT NULL CHECK (billing_interval IN ('month', 'year')),
  unit_amount      BIGINT NOT NULL,
  usage_type       VARCHAR(10) NOT NULL DEFAULT 'licensed' CHECK (usage_type IN ('licensed', 'metered')),
  metric           VARCHAR(60)
);

CREATE TABLE subscriptions (
  id                    UUID PRIMARY KEY,
  organization_id       UUID NOT NULL REFERENCES organizations(id),
  status                VARCHAR(16) NOT NULL
                        CHECK (status IN ('trialing', 'active', 'past_due', 'cancelled')),
  current_period_start  TIMESTAMPTZ NOT NULL,
  current_period_end    TIMESTAMPTZ NOT NULL,
  cancel_at             TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE subscription_items (
  id               UUID PRIMARY KEY,
  subscription_id  UUID NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  price_id         UUID NOT NULL REFERENCES prices(id),
  quantity         INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0)
);

CREATE TABLE usage_records (
  id                    BIGSERIAL PRIMARY KEY,
  subscription_item_id  UUID NOT NULL REFERENCES subscription_items(id),
  quantity              BIGINT NOT NULL,
  recorded_at           TIMESTAMPTZ NOT NULL,
  idempotency_key       VARCHAR(64) NOT NULL UNIQUE
);

CREATE TABLE coupons (
  id            UUID PRIMARY KEY,
  code          VARCHAR(40) NOT NULL UNIQUE,
  percent_off   NUMERIC(5, 2),
  amount_off    BIGINT,
  duration      VARCHAR(10) NOT NULL CHECK (duration IN ('once', 'repeating', 'forever')),
  expires_at    TIMESTAMPTZ
);

CREATE TABLE discounts (
  id               UUID PRIMARY KEY,
  subscription_id  UUID NOT NULL REFERENCES subscriptions(id),
  coupon_id        UUID NOT NULL REFERENCES coupons(id),
  starts_at        TIMESTAMPTZ NOT NULL,
  ends_at          TIMESTAMPTZ
);

CREATE TABLE invoices (
  id               UUID PRIMARY KEY,
  organization_id  UUID NOT NULL REFERENCES organizations(id),
  subscription_id  UUID REFERENCES subscriptions(id),
  number           VARCHAR(32) NOT NULL UNIQUE,
  status           VARCHAR(16) NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  currency         CHAR(3) NOT NULL,
  subtotal         BIGINT NOT NULL,
  tax              BIGINT NOT NULL DEFAULT 0,
  total            BIGINT NOT NULL,
  due_at           TIMESTAMPTZ,
  issued_at        TIMESTAMPTZ
);

CREATE TABLE invoice_lines (
  id                    UUID PRIMARY KEY,
  invoice_id            UUID NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  subscription_item_id  UUID REFERENCES subscription_items(id),
  description           TEXT NOT NULL,
  quantity              BIGINT NOT NULL,
  amount                BIGINT NOT NULL,
  period_start          TIMESTAMPTZ,
  period_end            TIMESTAMPTZ
);

CREATE TABLE payment_methods (
  id               UUID PRIMARY KEY,
  organization_id  UUID NOT NULL REFERENCES organizations(id),
  kind             VARCHAR(16) NOT NULL CHECK (kind IN ('card', 'sepa_debit', 'bank_transfer')),
  last4            CHAR(4),
  expires_on       DATE,
  is_default       BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE payments (
  id                 UUID PRIMARY KEY,
  invoice_id         UUID NOT NULL REFERENCES invoices(id),
  payment_method_id  UUID REFERENCES payment_methods(id),
  amount             BIGINT NOT NULL,
  status             VARCHAR(16) NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
  failure_reason     TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE credit_notes (
  id          UUID PRIMARY KEY,
  invoice_id  UUID NOT NULL REFERENCES invoices(id),
  amount      BIGINT NOT NULL CHECK (amount > 0),
  reason      VARCHAR(32) NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX invoices_by_organization ON invoices (organization_id, issued_at DESC);
CREATE INDEX usage_by_item_time ON usage_records (subscription_item_id, recorded_at);
