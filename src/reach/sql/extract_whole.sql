-- The donor extract's exact cell that holds every event: all periods, programs, countries
-- and event types, no cascade level, under no account's scope. (No row: no events.)
with final as (
    select *
    from main.extract_exact_cells
    where scope_key = '*'
        and period = '*'
        and program = '*'
        and country = '*'
        and event_type = '*'
        and level = -1
)

select * from final
