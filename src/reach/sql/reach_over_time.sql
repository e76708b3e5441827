-- Per period ($grain: month, quarter or year): people reached for the first time in scope,
-- the running total (it ends at people_reached), unique people and attendances in the period;
-- every period from the first to the last event in scope (period_series), those without events
-- a row of zeros.
with attendance as (
    select participant_id, start_date
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

-- Each person's rows per period, grouped once: the unique people of a period and each
-- person's first period both come from here (a period is the truncated date, so the first
-- period is the period of the first date), without a distinct count over every row.
person_periods as (
    select participant_id, date_trunc($grain, start_date) as period, count(*) as rows
    from attendance
    group by participant_id, date_trunc($grain, start_date)
),

first_seen as (
    select participant_id, min(period) as first_period
    from person_periods
    group by participant_id
),

new_people as (
    select first_period as period, count(*) as n
    from first_seen
    group by first_period
),

in_period as (
    select period, count(*) as unique_people, sum(rows) as rows
    from person_periods
    group by period
),

final as (
    select
        p.period::date as period,
        (coalesce(n.n, 0) + coalesce(h.n, 0))::bigint as new_people,
        (sum(coalesce(n.n, 0) + coalesce(h.n, 0)) over (order by p.period))::bigint
            as cumulative_people,
        (coalesce(i.unique_people, 0) + coalesce(h.n, 0))::bigint as unique_people,
        (coalesce(i.rows, 0) + coalesce(h.n, 0))::bigint as attendances,
        (coalesce(i.unique_people, 0) - coalesce(n.n, 0))::bigint as returning_people
    from period_series($programs, $countries, $event_types, $date_from, $date_to, $grain) as p
    left join new_people as n on n.period = p.period
    left join period_headcounts($programs, $countries, $event_types, $date_from, $date_to, $grain)
        as h on h.period = p.period
    left join in_period as i on i.period = p.period
    order by p.period
)

select * from final
