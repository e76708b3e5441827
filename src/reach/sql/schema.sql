-- The store's tables. Statements run in order, and each is idempotent.
create table if not exists meta (
    key varchar primary key,
    value varchar
);

-- events and participants: see schema_rows.sql (run before this script; a replace-all load
-- makes both anew from it).

-- Countries supplied in countries.csv; they override the library reference.
create table if not exists countries (
    country_code varchar primary key,
    name varchar,
    region varchar,
    population bigint
);

create table if not exists country_reference (
    country_code varchar primary key,
    name varchar,
    region varchar,
    population bigint
);

create table if not exists loads (
    load_id integer primary key,
    loaded_at timestamp not null,
    mode varchar not null,
    files varchar,
    events_added integer,
    events_updated integer,
    events_unchanged integer,
    participant_rows_added integer,
    participant_rows_removed integer,
    attendance_lists_replaced integer,
    countries_loaded integer,
    warnings integer,
    summary_before varchar,  -- headline numbers (JSON) before and after the load
    summary_after varchar,
    undone_at timestamp
);

-- Who made each load (an account name, or "open mode"); added after the first release.
alter table loads add column if not exists loaded_by varchar;

-- Targets from grant agreements (targets.csv): what each program promised per period. A
-- targets file replaces the targets of the programs it lists. gender / age_band / country_code
-- narrow a target ('' when not set, so the key has no nulls).
create table if not exists targets (
    program varchar not null,
    indicator varchar not null,
    period varchar not null,
    period_start date not null,
    period_end date not null,
    target bigint not null,
    gender varchar not null,
    age_band varchar not null,
    country_code varchar not null
);

create table if not exists undo_targets as select * from targets limit 0;

-- Column mappings saved by analysts, by name, for files from other tools.
create table if not exists mappings (
    name varchar primary key,
    kind varchar not null,
    mapping varchar not null,
    saved_at timestamp
);

-- What the last load changed, as it was before: enough to undo that load exactly.
create table if not exists undo_events as select * from events limit 0;

create table if not exists undo_participants as select * from participants limit 0;

create table if not exists undo_countries as select * from countries limit 0;

-- kind: 'event' (ids added or updated), 'list' (events whose list was added or replaced),
-- 'country' (codes loaded), or 'all' (a replace-all load).
create table if not exists undo_keys (
    kind varchar not null,
    key varchar
);

-- Programs of each multi-program donor account scope (set by `accounts`), so the published
-- extract can count those programs together. Holds program names only, never a person.
create table if not exists donor_scopes (
    scope_key varchar not null,
    program varchar not null
);

-- Linking named lists (issue 8). Only keyed encodings of who a person is are kept: HMACs of
-- the phone, e-mail and UIC, a keyed Bloom filter of the name, HMACs of name parts for
-- blocking. One row per distinct way a person was written; load_id: the load that added it.
create table if not exists person_encodings (
    participant_id varchar not null,
    digest varchar not null,
    bloom blob not null,
    phone varchar,
    email varchar,
    uic varchar,
    birth_year integer,
    gender varchar,
    blocks varchar[],
    load_id integer
);

-- Which person each way of writing someone was linked to, at each event: a list loaded again
-- (corrected, or replaced) gives the same rows the same people, merges included.
create table if not exists seen_at (
    event_id varchar not null,
    digest varchar not null,
    participant_id varchar not null,
    load_id integer
);

-- Pairs of people who may be one person, for an analyst to review. status: 'open',
-- 'merged' or 'apart'; found_in: the load that found the pair.
create table if not exists link_pairs (
    pair_id integer primary key,
    a varchar not null,
    b varchar not null,
    score double,
    evidence varchar,
    found_in integer,
    status varchar not null
);

-- An analyst's review decisions, kept and applied again on later loads: 'merge' (b's rows
-- and encodings become a's) or 'apart'. undone_at: the decision was taken back.
create table if not exists link_decisions (
    decision_id integer primary key,
    pair_id integer,
    a varchar not null,
    b varchar not null,
    decision varchar not null,
    decided_at timestamp not null,
    decided_by varchar,
    undone_at timestamp,
    undone_by varchar
);

-- What a merge changed, so it can be undone exactly: b's rows as they were (inserted: the
-- row was added under a; otherwise a already had it), its encodings the same way, and the
-- events and encodings at which it was seen.
create table if not exists merged_rows as
select 0 as decision_id, false as inserted, * from participants limit 0;

create table if not exists merged_encodings as
select 0 as decision_id, false as inserted, * from person_encodings limit 0;

create table if not exists merged_seen (
    decision_id integer not null,
    event_id varchar not null,
    digest varchar not null
);
