-- by_group.sql's table read from the store's exact donor extract (metrics.by_group, once it has
-- checked that the extract is the store's current one and that the filters are one of its
-- cells): per program or event type ($dim), the cell of that group with the filters' other
-- dimensions ('*': all) and no cascade level, as kept under scope '*' (one program's cells are
-- the same in every account scope, and several programs are never one cell). Events without a
-- program are the extract's '(no program)' cell, by_group.sql's '(none)'.
with cells as (
    select *
    from main.extract_exact_cells
    where scope_key = '*'
        and level = -1
        and period = $period
        and country = $country
        and if($dim = 'program', program <> '*' and $program in ('*', program), program = $program)
        and if(
            $dim = 'program',
            event_type = $event_type,
            event_type <> '*' and $event_type in ('*', event_type)
        )
),

final as (
    select
        if($dim = 'program', if(program = '(no program)', '(none)', program), event_type)
            as "group",
        people_reached,
        direct_reach,
        cascade_reach,
        attendances,
        events,
        step_down_events
    from cells
    order by people_reached desc, "group"
)

select * from final
