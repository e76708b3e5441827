-- Per period ($grain: month, quarter or year; every one from the first to the last event in
-- scope, period_series): people reached for the first time in scope and the running total (it
-- ends at people_reached), as reach_over_time.sql's new_people and cumulative_people, for the
-- Overview's chart.
-- It groups each person's rows once, by person; reach_over_time also groups them by person
-- and period (for the unique people of each period), which at ten million rows is 60% of
-- its time.
with attendance as (
    select participant_id, start_date
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

-- A person's first period is the period of their first date (a period is the truncated date).
first_seen as (
    select participant_id, date_trunc($grain, min(start_date)) as first_period
    from attendance
    group by participant_id
),

new_people as (
    select first_period as period, count(*) as n
    from first_seen
    group by first_period
),

final as (
    select
        p.period::date as period,
        (coalesce(n.n, 0) + coalesce(h.n, 0))::bigint as new_people,
        (sum(coalesce(n.n, 0) + coalesce(h.n, 0)) over (order by p.period))::bigint
            as cumulative_people
    from period_series($programs, $countries, $event_types, $date_from, $date_to, $grain) as p
    left join new_people as n on n.period = p.period
    left join period_headcounts($programs, $countries, $event_types, $date_from, $date_to, $grain)
        as h on h.period = p.period
    order by p.period
)

select * from final
