-- Per program: direct and cascade reach, multiplier, activation rate, depth and the median
-- days from an event to its step-downs (the same definitions as the summary, per program).
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

attendance as (
    select * from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

headcounts as (
    select * from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

people as (
    select program, participant_id, min(cascade_level) as first_level
    from attendance
    group by program, participant_id
),

reach as (
    select
        program,
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people
    from people
    group by program
),

heads as (
    select
        program,
        sum(n) as n,
        coalesce(sum(n) filter (where cascade_level = 0), 0) as direct_n
    from headcounts
    group by program
),

links as (
    select
        c.program,
        c.event_id as child,
        c.parent_event_id as parent,
        date_diff('day', p.start_date, c.start_date) as days
    from scope as c
    inner join scope as p on p.event_id = c.parent_event_id
),

-- Activation's base per program: each person who attended, as participant, an in-scope event
-- with an in-scope step-down (counted in the program of that event).
candidates as (
    select distinct program, participant_id
    from attendance
    where event_id in (select parent from links)
),

-- Of them, those who trained or facilitated at such a step-down: found from the trainers'
-- rows (few), each joined to their attendance at its parent.
activated as (
    select distinct a.program, a.participant_id
    from main.participants as t
    inner join links as l on l.child = t.event_id
    inner join attendance as a
        on a.event_id = l.parent and a.participant_id = t.participant_id
    where t.role in ('trainer', 'facilitator')
),

activation as (
    select c.program, count(*) as base, count(a.participant_id) as activated
    from candidates as c
    left join activated as a
        on a.participant_id = c.participant_id and a.program is not distinct from c.program
    group by c.program
),

shape as (
    select
        program,
        count(*) as events,
        count(*) filter (where cascade_level >= 1) as step_down_events,
        count(*) filter (where cascade_level >= 1 and not has_attendance)
            as headcount_step_downs,
        max(cascade_level) as depth
    from scope
    group by program
),

timing as (
    select program, median(days) as median_days
    from links
    group by program
),

final as (
    select
        coalesce(s.program, '(no program)') as program,
        s.events,
        s.step_down_events,
        s.headcount_step_downs,
        s.depth,
        (coalesce(r.direct_people, 0) + coalesce(h.direct_n, 0))::bigint as direct_reach,
        (coalesce(r.people, 0) + coalesce(h.n, 0) - coalesce(r.direct_people, 0)
            - coalesce(h.direct_n, 0))::bigint as cascade_reach,
        a.base as activation_base,
        a.activated,
        t.median_days
    from shape as s
    left join reach as r on r.program is not distinct from s.program
    left join heads as h on h.program is not distinct from s.program
    left join activation as a on a.program is not distinct from s.program
    left join timing as t on t.program is not distinct from s.program
    order by cascade_reach desc, program
)

select * from final
