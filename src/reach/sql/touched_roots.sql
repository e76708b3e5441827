-- The stored cascade trees a merge can change, by their roots as stored before it: the trees
-- of the events it brings and of their parents. Only those events change parents, and stored
-- chains hold no cycle (one is refused on the way in), so every chain through a brought event
-- stays in these trees (or among the brought events), and every event whose level or root the
-- merge can change is in one of them, or has no stored root yet.
with brought as (
    select event_id, parent_event_id from stg_events where event_id is not null
),

final as (
    select distinct e.root_event_id
    from main.events as e
    where e.root_event_id is not null
        and (
            e.event_id in (select event_id from brought)
            or e.event_id in (select parent_event_id from brought)
        )
)

select * from final
