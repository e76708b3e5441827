-- The stored rows: events and their attendance. Their own file: init_schema runs it before
-- schema.sql, and a replace-all load runs it again after renaming both tables to their undo
-- copies (see store._save_undo). Statements run in order, and each is idempotent.
create table if not exists events (
    event_id varchar primary key,
    title varchar not null,
    program varchar,
    event_type varchar not null,
    start_date date not null,
    end_date date,
    city varchar,
    country_code varchar not null,
    organizer varchar,
    parent_event_id varchar,
    reported_participants bigint,
    reported_female bigint,
    reported_male bigint,
    -- Derived after every load, so the metric queries need not recompute them:
    cascade_level integer,
    root_event_id varchar,
    event_order integer,  -- position by (start_date, event_id): "latest row" in one compare
    has_attendance boolean  -- has participant rows with role participant
);

-- One row per person, event and role (duplicates are dropped on the way in).
create table if not exists participants (
    participant_id varchar not null,
    event_id varchar not null,
    gender varchar not null,
    role varchar not null,
    birth_year integer,
    country_code varchar,
    organization varchar
);
