-- The summaries of donor-extract cells, exact (metrics.kept_summaries, which first checks that
-- the extract is the store's current one): for each wanted cell, the cell of all account
-- scopes with its period, program, country and event type ('*': all) and no cascade level,
-- given as four lists read side by side ($periods, $programs, $countries, $event_types); in
-- summary.sql's shape with `pos`, the cell's place in those lists, and `age` listing every
-- band ($age_bands, in order) and gender. No row for a cell: the extract has no such cell.
with wanted as (
    select
        unnest($periods::varchar[]) as period,
        unnest($programs::varchar[]) as program,
        unnest($countries::varchar[]) as country,
        unnest($event_types::varchar[]) as event_type,
        generate_subscripts($periods::varchar[], 1) as pos
),

cell as (
    select w.pos, c.*
    from main.extract_exact_cells as c
    inner join wanted as w
        on c.period = w.period
        and c.program = w.program
        and c.country = w.country
        and c.event_type = w.event_type
    where c.scope_key = '*' and c.level = -1
),

bands as (
    select unnest($age_bands::varchar[]) as band, generate_subscripts($age_bands::varchar[], 1)
        as pos
),

genders as (
    select * from (values ('female', 1), ('male', 2), ('other', 3), ('undisclosed', 4))
        as g (gender, pos)
),

-- Every band and gender of each cell, in order (absent: 0); once per cell, even when two
-- wanted scopes are the same cell.
age as (
    select
        c.cell_id,
        list(
            struct_pack(band := b.band, gender := g.gender, people := coalesce(a.people, 0))
            order by b.pos, g.pos
        ) as age
    from (select distinct cell_id from cell) as c
    cross join bands as b
    cross join genders as g
    left join main.extract_exact_ages as a
        on a.cell_id = c.cell_id and a.band = b.band and a.gender = g.gender
    group by c.cell_id
),

final as (
    select c.*, a.age
    from cell as c
    inner join age as a using (cell_id)
    order by c.pos
)

select * from final
