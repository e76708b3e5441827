-- Female / male / other / undisclosed among people reached and among trainers. Every gender
-- appears in both groups, with 0 where nobody has it, so undisclosed is never dropped.
with people as (
    select gender, count(*) as n
    from person_gender($programs, $countries, $event_types, $date_from, $date_to)
    group by gender
),

heads as (
    select
        coalesce(sum(f), 0) as f,
        coalesce(sum(m), 0) as m,
        coalesce(sum(u), 0) as u
    from scoped_headcounts($programs, $countries, $event_types, $date_from, $date_to)
),

trainers as (
    select gender, count(*) as n
    from trainer_gender($programs, $countries, $event_types, $date_from, $date_to)
    group by gender
),

genders as (
    select * from (values (1, 'female'), (2, 'male'), (3, 'other'), (4, 'undisclosed'))
        as g (ord, gender)
),

counts as (
    select
        1 as group_order,
        g.ord,
        'People reached' as "group",
        g.gender,
        (coalesce(p.n, 0) + case g.gender
            when 'female' then h.f when 'male' then h.m when 'undisclosed' then h.u else 0
        end)::bigint as people
    from genders as g
    cross join heads as h
    left join people as p on p.gender = g.gender
    union all
    select 2, g.ord, 'Trainers', g.gender, coalesce(t.n, 0)::bigint
    from genders as g
    left join trainers as t on t.gender = g.gender
),

final as (
    select "group", gender, people from counts order by group_order, ord
)

select * from final
