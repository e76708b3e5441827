-- The headline numbers for the events in scope (definitions in README, "The metrics").
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
    select * from person_gender($programs, $countries, $event_types, $date_from, $date_to)
),

people_counts as (
    select
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people,
        count(*) filter (where gender = 'female') as female,
        count(*) filter (where gender = 'male') as male,
        count(*) filter (where gender = 'other') as other,
        count(*) filter (where gender = 'undisclosed') as undisclosed
    from people
),

headcount_totals as (
    select
        coalesce(sum(n), 0) as n,
        coalesce(sum(n) filter (where cascade_level = 0), 0) as direct_n,
        coalesce(sum(f), 0) as f,
        coalesce(sum(m), 0) as m,
        coalesce(sum(u), 0) as u
    from headcounts
),

trainers as (
    select count(*) as trainers
    from trainer_gender($programs, $countries, $event_types, $date_from, $date_to)
),

links as (
    select c.event_id as child, c.parent_event_id as parent
    from scope as c
    where c.parent_event_id in (select event_id from scope)
),

candidates as (
    select distinct a.participant_id, a.event_id
    from attendance as a
    where a.event_id in (select parent from links)
),

activated as (
    select distinct c.participant_id
    from candidates as c
    inner join links as l on l.parent = c.event_id
    inner join main.participants as t
        on t.event_id = l.child
        and t.participant_id = c.participant_id
        and t.role in ('trainer', 'facilitator')
),

event_counts as (
    select
        count(*) as events,
        count(*) filter (where cascade_level >= 1) as step_down_events,
        count(distinct country_code) as countries_reached
    from scope
),

final as (
    select
        pc.people + h.n as people_reached,
        pc.direct_people + h.direct_n as direct_reach,
        (pc.people + h.n) - (pc.direct_people + h.direct_n) as cascade_reach,
        (select count(*) from attendance) + h.n as attendances,
        ec.events,
        ec.step_down_events,
        t.trainers,
        ec.countries_reached,
        pc.female + h.f as female,
        pc.male + h.m as male,
        pc.other as other,
        pc.undisclosed + h.u as undisclosed,
        (select count(distinct participant_id) from candidates) as activation_base,
        (select count(*) from activated) as activated
    from people_counts as pc, headcount_totals as h, trainers as t, event_counts as ec
)

select * from final
