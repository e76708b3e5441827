-- The headline numbers for the events in scope (definitions in README, "The metrics").
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

-- scoped_attendance's rows, with each row's birth year and start year for the age.
attendance as (
    select * from aged_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

headcounts as (
    select * from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

links as (
    select c.event_id as child, c.parent_event_id as parent
    from scope as c
    where c.parent_event_id in (select event_id from scope)
),

-- Gender by the latest_gender rule, over the attendance already scanned above;
-- "candidate": attended an in-scope event that has an in-scope child (activation's base).
-- Age: the start year of the first in-scope attendance minus the birth year of the latest
-- in-scope row that has one (README, "The metrics"), banded by reach.ages.
people as (
    select
        participant_id,
        latest_gender(gender, event_order) as gender,
        min(cascade_level) as first_level,
        bool_or(event_id in (select parent from links)) as candidate,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as age_band
    from attendance
    group by participant_id
),

-- People of each kind, in a few rows: the counts below all add these up, so the people are
-- scanned once.
people_kinds as (
    select age_band, gender, first_level = 0 as direct, candidate, count(*) as n
    from people
    group by all
),

people_counts as (
    select
        coalesce(sum(n), 0) as people,
        coalesce(sum(n) filter (where direct), 0) as direct_people,
        coalesce(sum(n) filter (where gender = 'female'), 0) as female,
        coalesce(sum(n) filter (where gender = 'male'), 0) as male,
        coalesce(sum(n) filter (where gender = 'other'), 0) as other,
        coalesce(sum(n) filter (where gender = 'undisclosed'), 0) as undisclosed,
        coalesce(sum(n) filter (where candidate), 0) as activation_base
    from people_kinds
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

-- People per age band and gender: every band in reach.ages' order (empty ones too) with every
-- gender. A headcount has no birth years: its people are unknown, split as its gender is.
-- The list is sorted on its leading positions (Spark's collect_list takes no order by).
age_counts as (
    select list_sort(list(
        struct_pack(
            band_pos := b.pos,
            gender_pos := g.pos,
            band := b.band,
            gender := g.gender,
            people := (
                coalesce(c.n, 0)
                + if(
                    b.band = $age_unknown,
                    case g.gender when 'female' then h.f when 'male' then h.m
                        when 'undisclosed' then h.u else 0 end,
                    0
                )
            )::bigint
        )
    )) as age
    from (
        select band, array_position($age_bands, band) as pos
        from (select unnest($age_bands) as band)
    ) as b
    cross join (
        values ('female', 1), ('male', 2), ('other', 3), ('undisclosed', 4)
    ) as g (gender, pos)
    cross join headcount_totals as h
    left join (
        select age_band, gender, sum(n) as n from people_kinds group by age_band, gender
    ) as c
        on c.age_band = b.band and c.gender = g.gender
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
        (select count(*) from activated) as activated,
        ac.age
    from people_counts as pc, headcount_totals as h, trainers as t, event_counts as ec,
        age_counts as ac
)

select * from final
