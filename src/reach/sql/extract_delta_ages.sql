-- The age counts of the cells a merge changed (extract_delta.sql), exact: per cell, band and
-- gender (every one of each, as temp._exact_events lists them), the stored count
-- (main.extract_exact_ages) plus the merge's people and events now less the same before.
with stored as (
    select c.scope_key, c.period, c.program, c.country, c.event_type, c.level, g.band,
        g.gender, g.people
    from main.extract_exact_cells as c
    inner join main.extract_exact_ages as g using (cell_id)
    semi join temp._changed_cell_ids using (cell_id)
),

grid as (
    select cell_id, scope_key, period, program, country, event_type, level,
        unnest(ages, recursive := true), generate_subscripts(ages, 1) as pos
    from temp._exact_events
    where ages is not null
),

after as (
    select scope_key, period, program, country, event_type, level,
        unnest(ages, recursive := true)
    from temp._exact_after
    where ages is not null
),

before as (
    select scope_key, period, program, country, event_type, level,
        unnest(ages, recursive := true)
    from temp._exact_before
    where ages is not null
),

final as (
    select
        e.cell_id,
        e.band,
        e.gender,
        coalesce(s.people, 0) + coalesce(a.people, 0) - coalesce(b.people, 0) as people
    from grid as e
    left join stored as s
        using (scope_key, period, program, country, event_type, level, band, gender)
    left join after as a
        using (scope_key, period, program, country, event_type, level, band, gender)
    left join before as b
        using (scope_key, period, program, country, event_type, level, band, gender)
    order by e.cell_id, e.pos
)

select * from final
