-- What the planned load changes, in numbers (plan_events and plan_attendance must exist).
with events_plan as (
    select
        count(*) filter (where action = 'add') as events_added,
        count(*) filter (where action = 'update') as events_updated,
        count(*) filter (where action = 'same') as events_unchanged
    from plan_events
),

lists_plan as (
    select
        count(*) filter (where action = 'add') as lists_added,
        count(*) filter (where action = 'replace') as lists_replaced,
        count(*) filter (where action = 'same') as lists_unchanged,
        coalesce(sum(rows_in) filter (where action <> 'same'), 0) as participant_rows_added,
        coalesce(sum(rows_out) filter (where action <> 'same'), 0) as participant_rows_removed
    from plan_attendance
),

countries_plan as (
    select count(*) as countries_loaded
    from (
        select country_code, name, region, population from stg_countries
        except
        select country_code, name, region, population from main.countries
    )
),

final as (
    select * from events_plan, lists_plan, countries_plan
)

select * from final
