-- The events a merge changed, as they are now and as they were before it: an incremental
-- rebuild of the donor extract works out again every cell that may hold one of them
-- (extract_macros.sql, changed_cell), and keeps every other cell as it is.
-- temp._events_before holds the events as the merge found them; $lists are the events whose
-- attendance list the merge added or replaced. An event's place in the store's order
-- (event_order) is left out: a merge may shift it, but never the order of two events, which
-- is all a cell's numbers read from it.
with now_rows as (
    select * from main.events
),

before_rows as (
    select * from temp._events_before
),

changed as (
    select coalesce(n.event_id, b.event_id) as event_id
    from now_rows as n
    full outer join before_rows as b on b.event_id = n.event_id
    where n.event_id is null
        or b.event_id is null
        or (
            n.program, n.country_code, n.event_type, n.start_date, n.parent_event_id,
            n.cascade_level, n.has_attendance, n.reported_participants, n.reported_female,
            n.reported_male
        ) is distinct from (
            b.program, b.country_code, b.event_type, b.start_date, b.parent_event_id,
            b.cascade_level, b.has_attendance, b.reported_participants, b.reported_female,
            b.reported_male
        )
    union
    select unnest($lists::varchar[]) as event_id
),

touched_rows as (
    select * from now_rows semi join changed using (event_id)
    union all
    select * from before_rows semi join changed using (event_id)
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
