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

links as (
    select c.event_id as child, c.parent_event_id as parent
    from scope as c
    where c.parent_event_id in (select event_id from scope)
),

-- The same rule as the person_gender macro, over the attendance already scanned above;
-- "candidate": attended an in-scope event that has an in-scope child (activation's base).
people as (
    select
        participant_id,
        coalesce(
            arg_max(gender, event_order) filter (where gender <> 'undisclosed'), 'undisclosed'
        ) as gender,
        min(cascade_level) as first_level,
        bool_or(event_id in (select parent from links)) as candidate
    from attendance
    group by participant_id
),

people_counts as (
    select
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people,
        count(*) filter (where gender = 'female') as female,
        count(*) filter (where gender = 'male') as male,
        count(*) filter (where gender = 'other') as other,
        count(*) filter (where gender = 'undisclosed') as undisclosed,
        count(*) filter (where candidate) as activation_base
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
    select count(distinct p.participant_id) as trainers
    from main.participants as p
    inner join scope as s on s.event_id = p.event_id
    where p.role in ('trainer', 'facilitator')
),

-- Trainer rows at child events, paired with the parent: few rows, so join from here.
trained as (
    select distinct t.participant_id, l.parent
    from main.participants as t
    inner join links as l on l.child = t.event_id
    where t.role in ('trainer', 'facilitator')
),

activated as (
    select distinct a.participant_id
    from attendance as a
    inner join trained as tr
        on tr.participant_id = a.participant_id and tr.parent = a.event_id
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
        pc.activation_base,
        (select count(*) from activated) as activated
    from people_counts as pc, headcount_totals as h, trainers as t, event_counts as ec
)

select * from final
