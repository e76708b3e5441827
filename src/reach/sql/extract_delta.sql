-- The donor cells a merge changed, exact, from what they held before it. Counts of people
-- (and the headcounts in them) are sums, over people and events: each is the stored count
-- (main.extract_exact_cells, the cells of temp._changed_cell_ids), plus the merge's people
-- and events as they are now (temp._exact_after), less the same as they were
-- (temp._exact_before); all three come from published_cells.sql, the last two over those
-- people's rows and events alone (extract_rows_after.sql, extract_rows_before.sql,
-- extract_delta_events.sql). The numbers of events and countries and the depth are not sums:
-- they come from a count over every event with no rows (temp._exact_events), which also lists
-- the cells that hold an event now (a cell no event holds any more is not there, so not
-- here). Cells are matched on their dimensions (never null: published_cells.sql keeps no cell
-- with a null one); the IDs are those of _exact_events.
with stored as (
    select * from main.extract_exact_cells semi join temp._changed_cell_ids using (cell_id)
),

final as (
    select
        e.cell_id,
        e.scope_key, e.period, e.program, e.country, e.event_type, e.level,
        coalesce(s.people_reached, 0) + coalesce(a.people_reached, 0) - coalesce(b.people_reached, 0) as people_reached,
        coalesce(s.direct_reach, 0) + coalesce(a.direct_reach, 0) - coalesce(b.direct_reach, 0) as direct_reach,
        coalesce(s.cascade_reach, 0) + coalesce(a.cascade_reach, 0) - coalesce(b.cascade_reach, 0) as cascade_reach,
        coalesce(s.attendances, 0) + coalesce(a.attendances, 0) - coalesce(b.attendances, 0) as attendances,
        coalesce(s.female, 0) + coalesce(a.female, 0) - coalesce(b.female, 0) as female,
        coalesce(s.male, 0) + coalesce(a.male, 0) - coalesce(b.male, 0) as male,
        coalesce(s.other, 0) + coalesce(a.other, 0) - coalesce(b.other, 0) as other,
        coalesce(s.undisclosed, 0) + coalesce(a.undisclosed, 0) - coalesce(b.undisclosed, 0) as undisclosed,
        coalesce(s.trainers, 0) + coalesce(a.trainers, 0) - coalesce(b.trainers, 0) as trainers,
        coalesce(s.trainers_female, 0) + coalesce(a.trainers_female, 0) - coalesce(b.trainers_female, 0) as trainers_female,
        coalesce(s.trainers_male, 0) + coalesce(a.trainers_male, 0) - coalesce(b.trainers_male, 0) as trainers_male,
        coalesce(s.trainers_other, 0) + coalesce(a.trainers_other, 0) - coalesce(b.trainers_other, 0) as trainers_other,
        coalesce(s.trainers_undisclosed, 0) + coalesce(a.trainers_undisclosed, 0) - coalesce(b.trainers_undisclosed, 0) as trainers_undisclosed,
        coalesce(s.activation_base, 0) + coalesce(a.activation_base, 0) - coalesce(b.activation_base, 0) as activation_base,
        coalesce(s.activated, 0) + coalesce(a.activated, 0) - coalesce(b.activated, 0) as activated,
        e.events,
        e.step_down_events,
        e.countries_reached,
        e.depth
    from temp._exact_events as e
    left join stored as s
        using (scope_key, period, program, country, event_type, level)
    left join temp._exact_after as a
        using (scope_key, period, program, country, event_type, level)
    left join temp._exact_before as b
        using (scope_key, period, program, country, event_type, level)
    order by e.cell_id
)

select * from final
