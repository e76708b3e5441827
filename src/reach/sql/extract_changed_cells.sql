-- The stored donor cells a merge may have changed (changed_cell, extract_macros.sql), by ID.
-- A cell has the same ID in the exact and the published tables, and its ages that ID too, so
-- they are found once, here: extract_delta.sql and extract_delta_ages.sql read their stored
-- counts through them, and extract.py takes them out of all four tables.
with final as (
    select c.cell_id
    from main.extract_exact_cells as c
    where changed_cell(c.scope_key, c.period, c.program, c.country, c.event_type, c.level)
)

select * from final
