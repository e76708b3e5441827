-- by_country.sql's table read from the store's exact donor extract (metrics.by_country, once it
-- has checked that the extract is the store's current one and that the filters are one of its
-- cells): each event country's cell with the filters' period, program and event type ('*':
-- all) and no cascade level, as kept under scope '*' (one program's cells are the same in every
-- account scope, and several programs are never one cell). Its counts are by_country.sql's
-- (people with a participant row, plus headcounts; rows plus headcounts; events).
with cells as (
    select country as country_code, people_reached, attendances, events
    from main.extract_exact_cells
    where scope_key = '*'
        and level = -1
        and period = $period
        and program = $program
        and event_type = $event_type
        and country <> '*'
        and $country in ('*', country)
),

names as (
    select * from country_names()
),

final as (
    select
        e.country_code,
        coalesce(n.name, e.country_code) as country,
        n.region,
        e.people_reached::hugeint as people_reached,
        e.attendances::hugeint as attendances,
        e.events,
        n.population,
        per_100k(e.people_reached, n.population) as per_100k
    from cells as e
    left join names as n on n.country_code = e.country_code
    order by people_reached desc, e.country_code
)

select * from final
