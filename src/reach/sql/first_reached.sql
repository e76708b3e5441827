-- Per period ($grain: month, quarter or year): people reached for the first time in scope and
-- the running total (it ends at people_reached), with a row of zeros for a period without
-- events: reach_over_time.sql's new_people and cumulative_people, for the Overview's chart.
-- It groups each person's rows once, by person; reach_over_time also groups them by person
-- and period (for the unique people of each period), which at ten million rows is 60% of
-- its time.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

attendance as (
    select p.participant_id, s.start_date
    from main.participants as p
    inner join scope as s on s.event_id = p.event_id
    where p.role = 'participant'
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

headcounts as (
    select date_trunc($grain, start_date) as period, sum(coalesce(reported_participants, 0)) as n
    from scope
    where not has_attendance
    group by 1
),

-- The periods from the first to the last event in scope: those of reach_over_time.sql, whose
-- periods are those of its headcount events and of the events with attendance, which are all
-- the events in scope (an event has attendance or is a headcount event).
bounds as (
    select
        min(date_trunc($grain, start_date)) as first_period,
        max(date_trunc($grain, start_date)) as last_period
    from scope
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
            as cumulative_people
    from periods as p
    left join new_people as n on n.period = p.period
    left join headcounts as h on h.period = p.period
    order by p.period
)

select * from final
