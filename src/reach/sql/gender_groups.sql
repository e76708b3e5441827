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

-- Each person once per period, program and country they were seen in, with their gender:
-- joined to it once, then counted per period, per program and per country in one grouping.
seen as (
    select distinct
        a.participant_id,
        strftime(date_trunc($grain, a.start_date), '%Y-%m-%d') as period,
        coalesce(a.program, '(none)') as program,
        a.country_code as country,
        p.gender
    from att as a
    inner join people as p using (participant_id)
),

grouped as (
    select
        case
            when grouping(period) = 0 then 'period'
            when grouping(program) = 0 then 'program'
            else 'country'
        end as dim,
        case
            when grouping(period) = 0 then period
            when grouping(program) = 0 then program
            else country
        end as grp,
        gender,
        count(distinct participant_id) as n
    from seen
    group by grouping sets ((period, gender), (program, gender), (country, gender))
),

listed as (
    select 'reached' as dim, 'People reached' as grp, gender, count(*) as n
    from people group by gender
    union all
    select dim, grp, gender, n from grouped
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
