-- What a load does to each event's attendance list: add it, replace it, or leave it.
with staged as (
    select participant_id, event_id, gender, role, birth_year, country_code, organization
    from stg_attendance
),

stored as (
    select participant_id, event_id, gender, role, birth_year, country_code, organization
    from main.participants
    where not $replace and event_id in (select event_id from staged)
),

-- Only lists already stored can be unchanged; comparing just those keeps first loads fast.
compared as (
    select * from staged where event_id in (select distinct event_id from stored)
),

differs as (
    select event_id from (select * from compared except select * from stored)
    union
    select event_id from (select * from stored except select * from compared)
),

staged_counts as (
    select event_id, count(*) as rows_in from staged group by event_id
),

stored_counts as (
    select event_id, count(*) as rows_out from stored group by event_id
),

final as (
    select
        s.event_id,
        s.rows_in,
        coalesce(o.rows_out, 0) as rows_out,
        case
            when o.event_id is null then 'add'
            when s.event_id in (select event_id from differs) then 'replace'
            else 'same'
        end as action
    from staged_counts as s
    left join stored_counts as o on o.event_id = s.event_id
)

select * from final
