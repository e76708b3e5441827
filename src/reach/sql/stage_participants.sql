-- Normalise raw_participants (all text) into typed columns; keep the raw values for the report.
-- IDs with characters beyond ASCII are then rewritten by normalize.normalise_ids (NFKC,
-- invisible characters dropped).
with raw as (
    select
        rowid + 2 as _row,
        nullif(trim(participant_id), '') as participant_id,
        nullif(trim(event_id), '') as event_id,
        nullif(trim(gender), '') as gender_raw,
        nullif(trim(role), '') as role_raw,
        nullif(trim(birth_year), '') as birth_year_raw,
        nullif(trim(country_code), '') as country_raw,
        nullif(trim(organization), '') as organization
    from raw_participants
),

non_blank as (
    select * from raw
    where coalesce(
        participant_id, event_id, gender_raw, role_raw, birth_year_raw, country_raw,
        organization
    ) is not null
),

typed as (
    select
        r.*,
        case
            when r.gender_raw is null then 'undisclosed'
            else coalesce(g.gender, 'undisclosed')
        end as gender,
        r.gender_raw is not null and g.gender is null as gender_unrecognised,
        case when r.role_raw is null then 'participant' else ro.role end as role,
        case
            when regexp_full_match(r.birth_year_raw, '[+-]?[0-9]+')
                then try_cast(r.birth_year_raw as integer)
        end as birth_year,
        c.country_code
    from non_blank as r
    left join gender_spelling as g on g.spelling = lower(r.gender_raw)
    left join role_spelling as ro on ro.spelling = lower(r.role_raw)
    left join known_countries as c on c.spelling = lower(r.country_raw)
),

final as (
    select * from typed
)

select * from final
