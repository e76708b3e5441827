-- People reached per period ($grain) by gender: each person counts once in every period they
-- attended, with their gender over the whole scope; headcounts add their reported split.
with people as (
    select * from person_gender($programs, $countries, $event_types, $date_from, $date_to)
),

seen as (
    select distinct date_trunc($grain, a.start_date) as period, a.participant_id
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to) as a
),

listed as (
    select s.period, p.gender, count(*) as n
    from seen as s
    inner join people as p on p.participant_id = s.participant_id
    group by s.period, p.gender
),

heads as (
    select date_trunc($grain, start_date) as period, 'female' as gender, sum(f) as n
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
    group by 1
    union all
    select date_trunc($grain, start_date), 'male', sum(m)
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
    group by 1
    union all
    select date_trunc($grain, start_date), 'undisclosed', sum(u)
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
    group by 1
),

final as (
    select period::date as period, gender, sum(n)::bigint as people
    from (select * from listed union all select * from heads)
    group by period, gender
    order by period, gender
)

select * from final
