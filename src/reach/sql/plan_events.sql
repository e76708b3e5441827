-- What a load does to each staged event: add, update or leave unchanged.
with staged as (
    select
        event_id, title, program, event_type, start_date, end_date, city, country_code,
        organizer, parent_event_id, reported_participants, reported_female, reported_male
    from stg_events
),

stored as (
    select
        event_id, title, program, event_type, start_date, end_date, city, country_code,
        organizer, parent_event_id, reported_participants, reported_female, reported_male
    from main.events
    where not $replace
),

changed as (
    select * from staged
    except
    select * from stored
),

final as (
    select
        s.*,
        case
            when s.event_id not in (select event_id from stored) then 'add'
            when s.event_id in (select event_id from changed) then 'update'
            else 'same'
        end as action
    from staged as s
)

select * from final
