-- Cascade level and root of every stored event (level 0 = no parent). Cycles are refused
-- on the way in, so the recursion ends.
with recursive walk as (
    select event_id, 0 as cascade_level, event_id as root_event_id
    from main.events
    where parent_event_id is null
    union all
    select e.event_id, w.cascade_level + 1, w.root_event_id
    from main.events as e
    inner join walk as w on e.parent_event_id = w.event_id
),

final as (
    select * from walk
)

select * from final
