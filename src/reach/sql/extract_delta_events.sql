-- The events whose cells a merge's people (temp._delta_people) are counted over: the events
-- it changed (temp._extract_changed), every event they attend, before the merge or after it,
-- and the step-downs of those (activation reads a parent with its child). The same events,
-- as they are and as they were, are counted twice (extract_delta.sql): the events outside
-- the change cancel out, so their headcounts and numbers of events do too.
with attended as (
    select event_id from main.participants semi join temp._delta_people using (participant_id)
    union
    select event_id
    from main.undo_participants semi join temp._delta_people using (participant_id)
),

children as (
    select e.event_id
    from main.events as e
    semi join attended as a on a.event_id = e.parent_event_id
    union
    select e.event_id
    from temp._events_before as e
    semi join attended as a on a.event_id = e.parent_event_id
),

final as (
    select event_id from temp._extract_changed
    union
    select event_id from attended
    union
    select event_id from children
)

select * from final
