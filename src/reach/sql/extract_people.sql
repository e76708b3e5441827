-- The people whose numbers a merge can change: everyone with a row, in any role, at an event
-- it changed (temp._extract_changed), or at the parent of one, before the merge or after it.
-- A cell's counts are sums over people, each person's share read from their own rows in that
-- cell; a parent's attendees are in because a new or moved step-down changes their
-- activation. (Merges keep the rows they replace in undo_participants.)
with changed as (
    select event_id from temp._extract_changed
),

parents as (
    select parent_event_id as event_id
    from main.events semi join changed using (event_id)
    where parent_event_id is not null
    union
    select parent_event_id as event_id
    from temp._events_before semi join changed using (event_id)
    where parent_event_id is not null
),

listed as (
    select event_id from changed
    union
    select event_id from parents
),

final as (
    select participant_id from main.participants semi join listed using (event_id)
    union
    select participant_id from main.undo_participants semi join listed using (event_id)
)

select * from final
