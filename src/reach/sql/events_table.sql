-- One row per in-scope event with its counts; "source" says whether the people counted come
-- from the attendance list or from a reported headcount. Only the $limit latest (a page shows
-- a thousand; its download asks for them all): counted for those alone, at 10M rows the
-- page's table takes a third of the time.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
    order by start_date desc, event_id
    limit $limit
),

final as (
    select
        s.event_id,
        s.title,
        s.program,
        s.event_type,
        s.start_date,
        s.city,
        s.country_code,
        s.cascade_level,
        s.parent_event_id,
        case when s.has_attendance then 'attendance list' else 'reported headcount' end
            as source,
        coalesce(r.listed, 0) as listed_participants,
        s.reported_participants,
        case when s.has_attendance then r.listed else coalesce(s.reported_participants, 0) end
            as participants_counted,
        coalesce(r.trainers, 0) as trainers
    from scope as s
    left join event_rows($programs, $countries, $event_types, $date_from, $date_to) as r
        on r.event_id = s.event_id
    order by s.start_date desc, s.event_id
)

select * from final
