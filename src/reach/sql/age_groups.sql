-- People by age band for every grouping the Gender and age page draws, from one pass over
-- the scope: dim 'reached' (group 'People reached', by band and gender: the pyramid),
-- 'period' ($grain, ISO date) and 'program' (by band; gender '*').
-- In the pyramid each person has their age and gender over the whole scope, as in summary.
-- Within a period or a program, that group is the person's scope: their age is taken at
-- their first attendance in it, so each group adds up to the people reached a summary of
-- that group's scope gives. Headcount events add their people as unknown (in the pyramid,
-- split by their reported gender: female, male, the rest undisclosed).
with att as materialized (
    select
        participant_id, gender, birth_year, start_year, event_order,
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program
    from aged_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

hc as materialized (
    select
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program,
        n, f, m, u
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

people as (
    select
        participant_id,
        coalesce(
            arg_max(gender, event_order) filter (where gender <> 'undisclosed'), 'undisclosed'
        ) as gender,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band
    from att
    group by participant_id
),

in_periods as (
    select
        period as grp,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band
    from att
    group by period, participant_id
),

in_programs as (
    select
        program as grp,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band
    from att
    group by program, participant_id
),

listed as (
    select 'reached' as dim, 'People reached' as grp, band, gender, count(*) as n
    from people group by band, gender
    union all
    select 'period', grp, band, '*', count(*) from in_periods group by grp, band
    union all
    select 'program', grp, band, '*', count(*) from in_programs group by grp, band
),

reported as (
    select 'reached' as dim, 'People reached' as grp, $age_unknown as band, 'female' as gender,
        sum(f) as n
    from hc
    union all select 'reached', 'People reached', $age_unknown, 'male', sum(m) from hc
    union all select 'reached', 'People reached', $age_unknown, 'undisclosed', sum(u) from hc
    union all select 'period', period, $age_unknown, '*', sum(n) from hc group by period
    union all select 'program', program, $age_unknown, '*', sum(n) from hc group by program
),

final as (
    select dim, grp as "group", band, gender, sum(n)::bigint as people
    from (select * from listed union all select * from reported)
    where n is not null
    group by dim, grp, band, gender
    order by dim, "group", array_position($age_bands, band), gender
)

select * from final
