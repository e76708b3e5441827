-- People by gender for every grouping the Gender page draws, from one pass over the scope:
-- dim 'reached' and 'trainers' (group = the whole scope), 'period' ($grain, ISO date),
-- 'program' and 'country'. Each person counts once per group, with their gender over the
-- whole scope; headcount events add their reported split (female, male, rest undisclosed).
with att as materialized (
    select * from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

people as materialized (
    select
        participant_id,
        coalesce(
            arg_max(gender, event_order) filter (where gender <> 'undisclosed'), 'undisclosed'
        ) as gender
    from att
    group by participant_id
),

hc as materialized (
    select
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program,
        country_code as country,
        f, m, u
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

seen as (
    select distinct
        participant_id,
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program,
        country_code as country
    from att
),

listed as (
    select 'reached' as dim, 'People reached' as grp, gender, count(*) as n
    from people group by gender
    union all
    select 'period', s.period, p.gender, count(distinct s.participant_id)
    from seen as s inner join people as p using (participant_id) group by 2, 3
    union all
    select 'program', s.program, p.gender, count(distinct s.participant_id)
    from seen as s inner join people as p using (participant_id) group by 2, 3
    union all
    select 'country', s.country, p.gender, count(distinct s.participant_id)
    from seen as s inner join people as p using (participant_id) group by 2, 3
    union all
    select 'trainers', 'Trainers', gender, count(*)
    from trainer_gender($programs, $countries, $event_types, $date_from, $date_to)
    group by gender
),

split as (
    select 'reached' as dim, 'People reached' as grp, sum(f) as f, sum(m) as m, sum(u) as u
    from hc
    union all select 'period', period, sum(f), sum(m), sum(u) from hc group by period
    union all select 'program', program, sum(f), sum(m), sum(u) from hc group by program
    union all select 'country', country, sum(f), sum(m), sum(u) from hc group by country
),

reported as (
    select dim, grp, 'female' as gender, f as n from split
    union all select dim, grp, 'male', m from split
    union all select dim, grp, 'undisclosed', u from split
),

final as (
    select dim, grp as "group", gender, sum(n)::bigint as people
    from (select * from listed union all select * from reported)
    where n is not null
    group by dim, grp, gender
    order by dim, "group", gender
)

select * from final
