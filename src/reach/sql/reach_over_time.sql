-- Per period ($grain: month, quarter or year): people reached for the first time in scope,
-- the running total (it ends at people_reached), unique people and attendances in the period;
-- a period without events has a row of zeros.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

attendance as (
    select p.participant_id, s.start_date
    from main.participants as p
    inner join scope as s on s.event_id = p.event_id
    where p.role = 'participant'
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

headcounts as (
    select date_trunc($grain, start_date) as period, sum(coalesce(reported_participants, 0)) as n
    from scope
    where not has_attendance
    group by 1
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

seen as (
    select period from headcounts
    union
    select period from in_period
),

-- Every period from the first to the last in scope, those without events too: a chart
-- must show an empty quarter as zero, not draw a line straight across it.
-- The step is an interval literal per grain: Spark turns no text into an interval, and
-- takes no set-returning function in an aggregate (hence the bounds first).
bounds as (
    select min(period) as first_period, max(period) as last_period
    from seen
    having count(*) > 0
),

periods as (
    select
        unnest(
            generate_series(
                first_period,
                last_period,
                case $grain
                    when 'month' then interval 1 month
                    when 'quarter' then interval 3 month
                    else interval 1 year
                end
            )
        ) as period
    from bounds
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
    from periods as p
    left join new_people as n on n.period = p.period
    left join headcounts as h on h.period = p.period
    left join in_period as i on i.period = p.period
    order by p.period
)

select * from final
