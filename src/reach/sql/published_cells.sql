-- Exact counts for every cell a donor can ask for, before disclosure control (extract.py
-- publishes them). A cell is a donor filter combination: period (all, a year, or a quarter
-- for the time charts), program (all or one), event country (all or one), event type (all or
-- one), and for the cascade chart a cascade level within one program. '*' means "all".
-- Multi-program account scopes (donor_scopes) get their own "all programs" cells, so a donor
-- funding two programs sees those two counted together, each person once.
-- The definitions are the contract's (summary.sql), applied cell by cell.
with grouping_sets as (
    select p.g_period, g.g_program, c.g_country, t.g_type, l.g_level
    from (values ('all'), ('year'), ('quarter')) as p (g_period)
    cross join (values (false), (true)) as g (g_program)
    cross join (values (false), (true)) as c (g_country)
    cross join (values (false), (true)) as t (g_type)
    cross join (values (false), (true)) as l (g_level)
    -- Levels are drawn per program (the Sankey), never per quarter.
    where not l.g_level or (g.g_program and p.g_period <> 'quarter')
),

ev as (
    select
        event_id,
        parent_event_id,
        coalesce(program, '(no program)') as program,
        country_code,
        event_type,
        cascade_level,
        has_attendance,
        strftime(start_date, '%Y') as yr,
        strftime(start_date, '%Y') || '-Q' || quarter(start_date)::varchar as qtr,
        coalesce(reported_participants, 0) as n,
        coalesce(reported_female, 0) as f,
        coalesce(reported_male, 0) as m
    from main.events
),

scoped_events as (
    select '*' as scope_key, e.*
    from ev as e
    union all
    select s.scope_key, e.*
    from ev as e
    inner join main.donor_scopes as s on s.program = e.program
),

-- Every event in every cell it belongs to.
cells as (
    select
        e.scope_key,
        case s.g_period when 'year' then e.yr when 'quarter' then e.qtr else '*' end as period,
        case when s.g_program then e.program else '*' end as program,
        case when s.g_country then e.country_code else '*' end as country,
        case when s.g_type then e.event_type else '*' end as event_type,
        case when s.g_level then e.cascade_level else -1 end as level,
        e.event_id
    from scoped_events as e
    cross join grouping_sets as s
    -- A multi-program scope only needs its own "all programs" cells: one program's cells
    -- are the same in every scope and are kept once, under '*'.
    where e.scope_key = '*' or not s.g_program
),

attendance as (
    select
        c.scope_key, c.period, c.program, c.country, c.event_type, c.level,
        p.participant_id, p.gender, e.event_order, e.cascade_level
    from main.participants as p
    inner join cells as c on c.event_id = p.event_id
    inner join main.events as e on e.event_id = p.event_id
    where p.role = 'participant'
),

people as (
    select
        scope_key, period, program, country, event_type, level, participant_id,
        coalesce(
            arg_max(gender, event_order) filter (where gender <> 'undisclosed'), 'undisclosed'
        ) as gender,
        min(cascade_level) as first_level,
        count(*) as attendances
    from attendance
    group by all
),

people_counts as (
    select
        scope_key, period, program, country, event_type, level,
        count(*) as people,
        count(*) filter (where first_level = 0) as direct_people,
        count(*) filter (where gender = 'female') as female,
        count(*) filter (where gender = 'male') as male,
        count(*) filter (where gender = 'other') as other,
        count(*) filter (where gender = 'undisclosed') as undisclosed,
        sum(attendances) as attendances
    from people
    group by all
),

trainer_rows as (
    select
        c.scope_key, c.period, c.program, c.country, c.event_type, c.level,
        p.participant_id,
        coalesce(
            arg_max(p.gender, e.event_order) filter (where p.gender <> 'undisclosed'),
            'undisclosed'
        ) as gender
    from main.participants as p
    inner join cells as c on c.event_id = p.event_id
    inner join main.events as e on e.event_id = p.event_id
    where p.role in ('trainer', 'facilitator')
    group by all
),

trainer_counts as (
    select
        scope_key, period, program, country, event_type, level,
        count(*) as trainers,
        count(*) filter (where gender = 'female') as trainers_female,
        count(*) filter (where gender = 'male') as trainers_male,
        count(*) filter (where gender = 'other') as trainers_other,
        count(*) filter (where gender = 'undisclosed') as trainers_undisclosed
    from trainer_rows
    group by all
),

event_counts as (
    select
        c.scope_key, c.period, c.program, c.country, c.event_type, c.level,
        count(*) as events,
        count(*) filter (where e.cascade_level >= 1) as step_down_events,
        count(distinct e.country_code) as countries_reached,
        max(e.cascade_level) as depth,
        coalesce(sum(e.n) filter (where not e.has_attendance), 0) as head_n,
        coalesce(sum(e.n) filter (where not e.has_attendance and e.cascade_level = 0), 0)
            as head_direct,
        coalesce(sum(e.f) filter (where not e.has_attendance), 0) as head_f,
        coalesce(sum(e.m) filter (where not e.has_attendance), 0) as head_m
    from cells as c
    inner join ev as e on e.event_id = c.event_id
    group by all
),

-- A cascade link counts in a cell when both its parent and its child are in that cell.
links as (
    select pc.scope_key, pc.period, pc.program, pc.country, pc.event_type, pc.level,
        ch.event_id as child, ch.parent_event_id as parent
    from cells as pc
    inner join ev as ch on ch.parent_event_id = pc.event_id
    inner join cells as cc
        on cc.event_id = ch.event_id
        and cc.scope_key = pc.scope_key and cc.period = pc.period and cc.program = pc.program
        and cc.country = pc.country and cc.event_type = pc.event_type and cc.level = pc.level
),

candidates as (
    select distinct
        l.scope_key, l.period, l.program, l.country, l.event_type, l.level,
        a.participant_id, l.parent, l.child
    from links as l
    inner join main.participants as a on a.event_id = l.parent and a.role = 'participant'
),

activation as (
    select
        c.scope_key, c.period, c.program, c.country, c.event_type, c.level,
        count(distinct c.participant_id) as activation_base,
        count(distinct t.participant_id) as activated
    from candidates as c
    left join main.participants as t
        on t.event_id = c.child
        and t.participant_id = c.participant_id
        and t.role in ('trainer', 'facilitator')
    group by all
),

final as (
    select
        e.scope_key, e.period, e.program, e.country, e.event_type, e.level,
        (coalesce(p.people, 0) + e.head_n)::bigint as people_reached,
        (coalesce(p.direct_people, 0) + e.head_direct)::bigint as direct_reach,
        (coalesce(p.people, 0) + e.head_n - coalesce(p.direct_people, 0) - e.head_direct)::bigint
            as cascade_reach,
        (coalesce(p.attendances, 0) + e.head_n)::bigint as attendances,
        (coalesce(p.female, 0) + e.head_f)::bigint as female,
        (coalesce(p.male, 0) + e.head_m)::bigint as male,
        coalesce(p.other, 0)::bigint as other,
        (coalesce(p.undisclosed, 0) + e.head_n - e.head_f - e.head_m)::bigint as undisclosed,
        coalesce(t.trainers, 0)::bigint as trainers,
        coalesce(t.trainers_female, 0)::bigint as trainers_female,
        coalesce(t.trainers_male, 0)::bigint as trainers_male,
        coalesce(t.trainers_other, 0)::bigint as trainers_other,
        coalesce(t.trainers_undisclosed, 0)::bigint as trainers_undisclosed,
        coalesce(a.activation_base, 0)::bigint as activation_base,
        coalesce(a.activated, 0)::bigint as activated,
        e.events::bigint as events,
        e.step_down_events::bigint as step_down_events,
        e.countries_reached::bigint as countries_reached,
        e.depth
    from event_counts as e
    left join people_counts as p using (scope_key, period, program, country, event_type, level)
    left join trainer_counts as t using (scope_key, period, program, country, event_type, level)
    left join activation as a using (scope_key, period, program, country, event_type, level)
)

select * from final
