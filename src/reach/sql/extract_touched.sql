-- The dimensions of the events a merge changed (temp._extract_changed, extract_changed.sql),
-- as they are now and as they were before it: an incremental rebuild of the donor extract
-- works out again every cell that may hold one of them (extract_macros.sql, changed_cell),
-- and keeps every other cell as it is.
with touched_rows as (
    select * from main.events semi join temp._extract_changed using (event_id)
    union all
    select * from temp._events_before semi join temp._extract_changed using (event_id)
),

-- Each changed event's dimensions as the cells read them (published_cells.sql, ev), named
-- apart from a cell's columns: changed_cell's arguments are substituted into its body.
final as (
    select distinct
        coalesce(program, '(no program)') as ev_program,
        country_code as ev_country,
        event_type as ev_type,
        cascade_level as ev_level,
        strftime(start_date, '%Y') as ev_year,
        strftime(start_date, '%Y') || '-Q' || quarter(start_date)::varchar as ev_quarter
    from touched_rows
)

select * from final
