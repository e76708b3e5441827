-- Per program and cascade level: events and people reached at that level (listed people and
-- reported headcounts kept apart, so charts can say which is which).
with attendance as (
    select * from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

headcounts as (
    select * from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

listed as (
    select program, cascade_level, count(distinct participant_id) as listed_people
    from attendance
    group by program, cascade_level
),

reported as (
    select program, cascade_level, sum(n) as headcount_people
    from headcounts
    group by program, cascade_level
),

events as (
    select program, cascade_level, count(*) as events
    from scope
    group by program, cascade_level
),

final as (
    select
        coalesce(e.program, '(no program)') as program,
        e.cascade_level as level,
        e.events,
        (coalesce(l.listed_people, 0) + coalesce(r.headcount_people, 0))::bigint as people,
        coalesce(l.listed_people, 0)::bigint as listed_people,
        coalesce(r.headcount_people, 0)::bigint as headcount_people
    from events as e
    left join listed as l
        on l.program is not distinct from e.program and l.cascade_level = e.cascade_level
    left join reported as r
        on r.program is not distinct from e.program and r.cascade_level = e.cascade_level
    order by program, level
)

select * from final
