-- Targets from grant agreements, partitioned by program (a period may span years).
with stored as (
    select * from targets
),

final as (
    select * from stored order by program, indicator, period
)

select * from final
