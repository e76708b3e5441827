-- Step-down events in scope (level 1 or deeper) with their parent and the days between them:
-- the $limit latest (a page shows a thousand; its download asks for them all).
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
    where cascade_level >= 1
    order by start_date desc, event_id
    limit $limit
),

final as (
    select
        s.event_id,
        s.title,
        s.program,
        s.cascade_level as level,
        s.start_date,
        s.city,
        s.country_code,
        s.parent_event_id,
        parent.title as parent_title,
        date_diff('day', parent.start_date, s.start_date) as days_after_parent,
        case when s.has_attendance then 'attendance list' else 'reported headcount' end
            as source,
        case when s.has_attendance then c.listed else coalesce(s.reported_participants, 0) end
            as participants_counted,
        coalesce(c.trainers, 0) as trainers
    from scope as s
    -- A parent in a program outside the selected ones (an account's scope) stays unnamed.
    left join main.events as parent
        on parent.event_id = s.parent_event_id
        and (array_length($programs) = 0 or list_contains($programs, parent.program))
    left join event_rows($programs, $countries, $event_types, $date_from, $date_to) as c
        on c.event_id = s.event_id
    order by s.start_date desc, s.event_id
)

select * from final
