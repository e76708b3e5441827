-- People reached (direct and through cascades), attendances and events per program.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

attendance as (
    select p.participant_id, s.program, s.cascade_level
    from main.participants as p
    inner join scope as s on s.event_id = p.event_id
    where p.role = 'participant'
),

people as (
    select program, participant_id, min(cascade_level) as first_level
    from attendance
    group by program, participant_id
),

listed as (
    select
        program,
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people
    from people
    group by program
),

rows_per_program as (
    select program, count(*) as rows from attendance group by program
),

per_program as (
    select
        program,
        count(*) as events,
        count(*) filter (where cascade_level >= 1) as step_down_events,
        coalesce(sum(reported_participants) filter (where not has_attendance), 0) as headcount,
        coalesce(
            sum(reported_participants) filter (where not has_attendance and cascade_level = 0), 0
        ) as direct_headcount
    from scope
    group by program
),

final as (
    select
        coalesce(e.program, '(no program)') as program,
        coalesce(l.people, 0) + e.headcount as people_reached,
        coalesce(l.direct_people, 0) + e.direct_headcount as direct_reach,
        coalesce(l.people, 0) + e.headcount - coalesce(l.direct_people, 0) - e.direct_headcount
            as cascade_reach,
        coalesce(r.rows, 0) + e.headcount as attendances,
        e.events,
        e.step_down_events
    from per_program as e
    left join listed as l on l.program is not distinct from e.program
    left join rows_per_program as r on r.program is not distinct from e.program
    order by people_reached desc, program
)

select * from final
