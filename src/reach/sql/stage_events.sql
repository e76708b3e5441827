-- Normalise raw_events (all text) into typed columns; keep the raw values for the report.
-- IDs with characters beyond ASCII are then rewritten by normalize.normalise_ids (NFKC,
-- invisible characters dropped).
with raw as (
    select
        rowid + 2 as _row,
        nullif(trim(event_id), '') as event_id,
        nullif(trim(title), '') as title,
        nullif(trim(program), '') as program,
        nullif(trim(event_type), '') as event_type_raw,
        nullif(trim(start_date), '') as start_date_raw,
        nullif(trim(end_date), '') as end_date_raw,
        nullif(trim(city), '') as city,
        nullif(trim(country_code), '') as country_raw,
        nullif(trim(organizer), '') as organizer,
        nullif(trim(parent_event_id), '') as parent_event_id,
        nullif(trim(reported_participants), '') as reported_participants_raw,
        nullif(trim(reported_female), '') as reported_female_raw,
        nullif(trim(reported_male), '') as reported_male_raw
    from raw_events
),

non_blank as (
    select * from raw
    where coalesce(
        event_id, title, program, event_type_raw, start_date_raw, end_date_raw, city,
        country_raw, organizer, parent_event_id, reported_participants_raw,
        reported_female_raw, reported_male_raw
    ) is not null
),

typed as (
    select
        r.*,
        t.event_type,
        coalesce(
            try_strptime(r.start_date_raw, '%Y-%m-%d'),
            try_strptime(r.start_date_raw, '%d.%m.%Y'),
            try_strptime(r.start_date_raw, '%d/%m/%Y')
        )::date as start_date,
        coalesce(
            try_strptime(r.end_date_raw, '%Y-%m-%d'),
            try_strptime(r.end_date_raw, '%d.%m.%Y'),
            try_strptime(r.end_date_raw, '%d/%m/%Y')
        )::date as end_date,
        c.country_code,
        case
            when regexp_full_match(r.reported_participants_raw, '[+-]?[0-9]+')
                then try_cast(r.reported_participants_raw as bigint)
        end as reported_participants,
        case
            when regexp_full_match(r.reported_female_raw, '[+-]?[0-9]+')
                then try_cast(r.reported_female_raw as bigint)
        end as reported_female,
        case
            when regexp_full_match(r.reported_male_raw, '[+-]?[0-9]+')
                then try_cast(r.reported_male_raw as bigint)
        end as reported_male
    from non_blank as r
    left join event_type_spelling as t
        on t.spelling = regexp_replace(lower(r.event_type_raw), '[\s\-]+', '_', 'g')
    left join known_countries as c
        on c.spelling = lower(r.country_raw)
),

final as (
    select * from typed
)

select * from final
