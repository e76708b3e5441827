-- People reached, attendances and events per country where events were held. A person who
-- attended in two countries counts in each, so the rows can add up to more than the total.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

attendance as (
    select p.participant_id, s.country_code
    from main.participants as p
    inner join scope as s on s.event_id = p.event_id
    where p.role = 'participant'
),

listed as (
    select country_code, count(distinct participant_id) as people, count(*) as rows
    from attendance
    group by country_code
),

per_country as (
    select
        country_code,
        count(*) as events,
        sum(coalesce(reported_participants, 0)) filter (where not has_attendance) as headcount
    from scope
    group by country_code
),

names as (
    select * from country_names()
),

final as (
    select
        e.country_code,
        coalesce(n.name, e.country_code) as country,
        n.region,
        coalesce(l.people, 0) + coalesce(e.headcount, 0) as people_reached,
        coalesce(l.rows, 0) + coalesce(e.headcount, 0) as attendances,
        e.events,
        n.population,
        per_100k(coalesce(l.people, 0) + coalesce(e.headcount, 0), n.population) as per_100k
    from per_country as e
    left join listed as l on l.country_code = e.country_code
    left join names as n on n.country_code = e.country_code
    order by people_reached desc, e.country_code
)

select * from final
