-- The PostgreSQL store's tables: the SQLite store's, column for column, so that both run the same statements
-- (io.shiftrec.store.JdbcStore). Ids and other keys sort as bytes (COLLATE "C"), as SQLite sorts them, whatever the
-- database's locale: pages by id, and every event grouped by user, come in the same order from both stores. JSON
-- (categories, attributes, context, metadata) is kept as text, exactly as written, as SQLite keeps it.

-- Counters that only grow, changed inside the transactions that write (UPDATE ... RETURNING takes the row's lock
-- until commit, so numbers are taken in commit order).
CREATE TABLE meta(key text COLLATE "C" PRIMARY KEY, value bigint NOT NULL);
INSERT INTO meta VALUES ('item_change', 0);

CREATE TABLE items(
  id text COLLATE "C" PRIMARY KEY,
  domain text COLLATE "C" NOT NULL,
  title text NOT NULL,
  text text,
  categories text NOT NULL,
  language text,
  attributes text NOT NULL);

CREATE TABLE users(id text COLLATE "C" PRIMARY KEY, split text, attributes text NOT NULL);

-- seq: arrival order, the last tie-break of a user's clock order and the event half of the watermark.
CREATE TABLE events(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "user" text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  item text COLLATE "C" REFERENCES items(id),
  type text NOT NULL,
  value double precision,
  ts bigint,
  position bigint,
  domain text,
  text text,
  context text NOT NULL,
  fingerprint bytea NOT NULL UNIQUE);
CREATE INDEX events_by_user ON events("user", coalesce(ts, position), seq);
-- deleting an item deletes the events naming it, and popularity counts them: neither scans every event
CREATE INDEX events_by_item ON events(item);

CREATE TABLE embeddings(
  model text COLLATE "C" NOT NULL,
  text_hash text COLLATE "C" NOT NULL,
  vector bytea NOT NULL,
  PRIMARY KEY(model, text_hash));

CREATE TABLE artifacts(
  name text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  created_at bigint NOT NULL,
  metadata text NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY(name, version));
CREATE TABLE active_artifacts(name text COLLATE "C" PRIMARY KEY, version bigint NOT NULL);

CREATE TABLE item_changes(item text COLLATE "C" PRIMARY KEY, change bigint NOT NULL);
CREATE INDEX item_changes_by_change ON item_changes(change);

CREATE TABLE item_state(
  item text COLLATE "C" PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  hidden boolean NOT NULL DEFAULT FALSE,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL);

CREATE TABLE api_keys(
  id text COLLATE "C" PRIMARY KEY,
  sha256 bytea NOT NULL UNIQUE,
  scope text NOT NULL,
  label text,
  created_at bigint NOT NULL);

-- quarantined_events, quarantined_users and quarantined_items are made by the first 'shiftrec check --repair' that
-- sets rows aside: the columns of their tables and the rule each row broke.
