-- The published age counts of some cells of the extract ($cell_ids): every band (in the order
-- of $age_bands, reach.ages' labels) and gender ('*': every gender) of each.
with wanted as (
    select unnest($cell_ids) as cell_id
),

final as (
    select a.cell_id, a.band, a.gender, a.people
    from published.ages as a
    semi join wanted as w on w.cell_id = a.cell_id
    order by
        a.cell_id,
        list_position($age_bands, a.band),
        list_position(['female', 'male', 'other', 'undisclosed', '*'], a.gender)
)

select * from final
