-- What a donor's filters can choose from: whole years, programs (within the account's
-- scope, $programs; empty = all), event countries and event types that have events there.
with extract as (
    select * from published.cells
    where scope_key = '*' and level = -1
        and (len($programs) = 0 or list_contains($programs, program))
),

choices as (
    select distinct 'years' as kind, period as value
    from extract where period <> '*' and not contains(period, 'Q') and program <> '*'
    union all
    select distinct 'programs', program from extract where program <> '*'
    union all
    select distinct 'countries', country from extract where country <> '*' and program <> '*'
    union all
    select distinct 'event_types', event_type
    from extract where event_type <> '*' and program <> '*'
),

final as (
    select kind, value from choices
    order by kind, value
)

select * from final
