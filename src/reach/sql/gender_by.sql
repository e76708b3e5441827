-- People reached by gender per program or per event country ($dim); a person in two groups
-- counts in each, with their gender over the whole scope.
with people as (
    select * from person_gender($programs, $countries, $event_types, $date_from, $date_to)
),

seen as (
    select distinct
        case $dim when 'program' then a.program else a.country_code end as grp,
        a.participant_id
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to) as a
),

listed as (
    select s.grp, p.gender, count(*) as n
    from seen as s
    inner join people as p on p.participant_id = s.participant_id
    group by s.grp, p.gender
),

hc as (
    select
        case $dim when 'program' then program else country_code end as grp, f, m, u
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

heads as (
    select grp, 'female' as gender, sum(f) as n from hc group by grp
    union all
    select grp, 'male', sum(m) from hc group by grp
    union all
    select grp, 'undisclosed', sum(u) from hc group by grp
),

final as (
    select coalesce(grp, '(none)') as "group", gender, sum(n)::bigint as people
    from (select * from listed union all select * from heads)
    group by 1, 2
    having sum(n) > 0
    order by 1, 2
)

select * from final
