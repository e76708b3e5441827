-- People reached (direct and through cascades), attendances and events per program or per
-- event type ($dim). A person in two groups counts in each.
with attendance as (
    select
        case $dim when 'program' then program else event_type end as grp,
        participant_id,
        cascade_level
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

scope as (
    select
        case $dim when 'program' then program else event_type end as grp,
        cascade_level,
        has_attendance,
        coalesce(reported_participants, 0) as reported
    from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

people as (
    select grp, participant_id, min(cascade_level) as first_level, count(*) as rows
    from attendance
    group by grp, participant_id
),

listed as (
    select
        grp,
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people,
        sum(rows) as rows
    from people
    group by grp
),

per_group as (
    select
        grp,
        count(*) as events,
        count(*) filter (where cascade_level >= 1) as step_down_events,
        coalesce(sum(reported) filter (where not has_attendance), 0) as headcount,
        coalesce(sum(reported) filter (where not has_attendance and cascade_level = 0), 0)
            as direct_headcount
    from scope
    group by grp
),

final as (
    select
        coalesce(e.grp, '(none)') as "group",
        (coalesce(l.people, 0) + e.headcount)::bigint as people_reached,
        (coalesce(l.direct_people, 0) + e.direct_headcount)::bigint as direct_reach,
        (coalesce(l.people, 0) + e.headcount - coalesce(l.direct_people, 0)
            - e.direct_headcount)::bigint as cascade_reach,
        (coalesce(l.rows, 0) + e.headcount)::bigint as attendances,
        e.events,
        e.step_down_events
    from per_group as e
    left join listed as l on l.grp is not distinct from e.grp
    order by people_reached desc, "group"
)

select * from final
