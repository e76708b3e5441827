-- What the organisation's filters can choose from, within an account's programs ($programs;
-- empty = every program): programs, event countries with their names, event types, and the
-- first and last start dates.
with scope as (
    select * from main.events
    where len($programs) = 0 or list_contains($programs, program)
),

countries as (
    select distinct
        e.country_code,
        coalesce(c.name, r.name, e.country_code) as name
    from scope as e
    left join main.countries as c on c.country_code = e.country_code
    left join main.country_reference as r on r.country_code = e.country_code
),

choices as (
    select distinct 'program' as kind, program as value, program as label,
        null::date as first, null::date as last
    from scope where program is not null
    union all
    select 'country', country_code, name, null, null from countries
    union all
    select distinct 'event_type', event_type, event_type, null, null from scope
    union all
    select 'dates', null, null, min(start_date), max(start_date) from scope
),

final as (
    select * from choices
    order by kind, value
)

select * from final
