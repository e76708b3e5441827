-- Derived columns of every stored event: cascade level and root (level 0 = no parent; cycles
-- are refused on the way in, so the recursion ends), order by date, and whether it has a list.
with recursive walk as (
    select event_id, 0 as cascade_level, event_id as root_event_id
    from main.events
    where parent_event_id is null
    union all
    select e.event_id, w.cascade_level + 1, w.root_event_id
    from main.events as e
    inner join walk as w on e.parent_event_id = w.event_id
),

attending as (
    select distinct event_id from main.participants where role = 'participant'
),

final as (
    select
        e.event_id,
        w.cascade_level,
        w.root_event_id,
        row_number() over (order by e.start_date, e.event_id)::integer as event_order,
        e.event_id in (select event_id from attending) as has_attendance
    from main.events as e
    left join walk as w on w.event_id = e.event_id
)

select * from final
