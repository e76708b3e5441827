-- People by age band for every grouping the Gender and age page draws, from one pass over
-- the scope: dim 'reached' (group 'People reached', by band and gender: the pyramid),
-- 'period' ($grain, ISO date) and 'program' (by band; gender '*').
-- In the pyramid each person has their age and gender over the whole scope, as in summary.
-- Within a period or a program, that group is the person's scope: their age is taken at
-- their first attendance in it, so each group adds up to the people reached a summary of
-- that group's scope gives. Headcount events add their people as unknown (in the pyramid,
-- split by their reported gender: female, male, the rest undisclosed).
-- Most people attend once: they are counted per event; only people with more rows are
-- grouped per person and period or program (at 10M rows: 4.8 to 3.2 s).

-- Each in-scope event's period and program, by its event_order (one per event).
with ev as materialized (
    select
        event_order,
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program
    from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

-- Read twice (people, returners) but not kept: keeping 9M rows cost more memory than time.
att as not materialized (
    select participant_id, gender, birth_year, start_year, event_order
    from aged_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

hc as materialized (
    select
        strftime(date_trunc($grain, start_date), '%Y-%m-%d') as period,
        coalesce(program, '(none)') as program,
        n, f, m, u
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

-- Each person once, with their gender and age over the whole scope and their number of rows.
-- Most people have one row: their event (the least of one event_order) is known here, and
-- their age in its period and program is this age.
people as materialized (
    select
        participant_id,
        latest_gender(gender, event_order) as gender,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band,
        count(*) as rows_n,
        min(event_order) as event_order
    from att
    group by participant_id
),

-- People with one row, counted per event and band, then given their event's period and
-- program: each is in exactly one of each.
single as (
    select e.period, e.program, s.band, s.n
    from (
        select event_order, band, count(*) as n
        from people
        where rows_n = 1
        group by event_order, band
    ) as s
    inner join ev as e using (event_order)
),

-- The rows of people with more than one, with their event's period and program.
returners as (
    select a.participant_id, e.period, e.program, a.birth_year, a.start_year, a.event_order
    from att as a
    inner join people as p on p.participant_id = a.participant_id and p.rows_n > 1
    inner join ev as e on e.event_order = a.event_order
),

in_periods as (
    select
        period as grp,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band
    from returners
    group by period, participant_id
),

in_programs as (
    select
        program as grp,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band
    from returners
    group by program, participant_id
),

listed as (
    select 'reached' as dim, 'People reached' as grp, band, gender, count(*) as n
    from people group by band, gender
    union all
    select 'period', grp, band, '*', count(*) from in_periods group by grp, band
    union all
    select 'period', period, band, '*', sum(n) from single group by period, band
    union all
    select 'program', grp, band, '*', count(*) from in_programs group by grp, band
    union all
    select 'program', program, band, '*', sum(n) from single group by program, band
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
