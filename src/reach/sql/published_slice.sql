-- One donor view in the published extract: its own cell ($by = 'none'), or the cells that
-- break it down by period (years, or the quarters of the chosen year), program, event
-- country, event type, or cascade level per program. Only published counts are here.
with extract as (
    select * from published.cells
    where scope_key = $scope_key
),

period_cells as (
    select * from extract
    where
        case
            when $by <> 'period' then period = $period
            when $period = '*' then period <> '*' and not contains(period, 'Q')
            else starts_with(period, $period || '-Q')
        end
),

final as (
    select * from period_cells
    where
        case
            when $by in ('program', 'level')
                then program <> '*' and (len($programs) = 0 or list_contains($programs, program))
            else program = $program
        end
        and case when $by = 'country' then country <> '*' else country = $country end
        and case when $by = 'event_type' then event_type <> '*' else event_type = $event_type end
        and case when $by = 'level' then level >= 0 else level = -1 end
    order by period, program, country, event_type, level
)

select * from final
