-- The summary of one donor-extract cell, exact (metrics.kept_summary, which first checks that
-- the extract is the store's current one): the cell of all account scopes with this period,
-- program, country and event type ('*': all), no cascade level; in summary.sql's shape, `age`
-- listing every band ($age_bands, in order) and gender. No row: no such cell.
with cell as (
    select *
    from main.extract_exact_cells
    where scope_key = '*'
        and period = $period
        and program = $program
        and country = $country
        and event_type = $event_type
        and level = -1
),

bands as (
    select unnest($age_bands::varchar[]) as band, generate_subscripts($age_bands::varchar[], 1)
        as pos
),

genders as (
    select * from (values ('female', 1), ('male', 2), ('other', 3), ('undisclosed', 4))
        as g (gender, pos)
),

final as (
    select
        c.*,
        (
            select list(
                struct_pack(band := b.band, gender := g.gender, people := coalesce(a.people, 0))
                order by b.pos, g.pos
            )
            from bands as b
            cross join genders as g
            left join main.extract_exact_ages as a
                on a.cell_id = c.cell_id and a.band = b.band and a.gender = g.gender
        ) as age
    from cell as c
)

select * from final
