-- The same people's rows as the store held them before the merge: their rows now, less the
-- lists the merge added or replaced ($lists), plus the replaced rows it kept for undo.
with kept as (
    select p.*
    from main.participants as p
    semi join temp._delta_people as d using (participant_id)
    where p.event_id not in (select unnest($lists::varchar[]))
),

replaced as (
    select u.*
    from main.undo_participants as u
    semi join temp._delta_people as d using (participant_id)
),

final as (
    select * from kept
    union all
    select * from replaced
)

select * from final
