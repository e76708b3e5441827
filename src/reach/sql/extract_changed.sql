-- The events a merge changed: added, moved, re-dated, re-parented, re-levelled, given other
-- headcounts, or given a new or replaced attendance list ($lists). temp._events_before holds
-- the events as the merge found them. An event's place in the store's order (event_order) is
-- left out: a merge may shift it, but never the order of two events, which is all a cell's
-- numbers read from it.
with now_rows as (
    select * from main.events
),

before_rows as (
    select * from temp._events_before
),

differs as (
    select coalesce(n.event_id, b.event_id) as event_id
    from now_rows as n
    full outer join before_rows as b on b.event_id = n.event_id
    where n.event_id is null
        or b.event_id is null
        or (
            n.program, n.country_code, n.event_type, n.start_date, n.parent_event_id,
            n.cascade_level, n.has_attendance, n.reported_participants, n.reported_female,
            n.reported_male
        ) is distinct from (
            b.program, b.country_code, b.event_type, b.start_date, b.parent_event_id,
            b.cascade_level, b.has_attendance, b.reported_participants, b.reported_female,
            b.reported_male
        )
),

final as (
    select event_id from differs
    union
    select unnest($lists::varchar[]) as event_id
)

select * from final
