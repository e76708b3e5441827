-- Exact counts for every cell a donor can ask for, before disclosure control (extract.py
-- publishes them). A cell is a donor filter combination: period (all, a year, or a quarter
-- for the time charts), program (all or one), event country (all or one), event type (all or
-- one), and for the cascade chart a cascade level within one program. '*' means "all".
-- Multi-program account scopes (donor_scopes) get their own "all programs" cells, so a donor
-- funding two programs sees those two counted together, each person once.
-- The definitions are the contract's (summary.sql), applied cell by cell.
-- Age bands come from reach.ages as parameters ($age_band_of, $age_unknown, $age_bands): each
-- cell outside the cascade-level ones gets `ages`, people per age band and gender (gender '*':
-- every gender), every band and gender listed, empty ones as 0.
-- It reads temp._cells_events and temp._cells_participants (extract.py points them at the
-- store, or after a merge at the rows of the people it touched, as they are and as they were:
-- each count is a sum over people, so the difference of the two is what the merge changed).
with grouping_sets as (
    select p.g_period, g.g_program, c.g_country, t.g_type, l.g_level
    from (values ('all'), ('year'), ('quarter')) as p (g_period)
    cross join (values (false), (true)) as g (g_program)
    cross join (values (false), (true)) as c (g_country)
    cross join (values (false), (true)) as t (g_type)
    cross join (values (false), (true)) as l (g_level)
    -- Levels are drawn per program (the Sankey), never per quarter.
    where not l.g_level or (g.g_program and p.g_period <> 'quarter')
),

ev as (
    select
        event_id,
        parent_event_id,
        coalesce(program, '(no program)') as program,
        country_code,
        event_type,
        cascade_level,
        has_attendance,
        strftime(start_date, '%Y') as yr,
        strftime(start_date, '%Y') || '-Q' || quarter(start_date)::varchar as qtr,
        coalesce(reported_participants, 0) as n,
        coalesce(reported_female, 0) as f,
        coalesce(reported_male, 0) as m
    from temp._cells_events
),

-- Events with the same dimensions (year, quarter, program, country, type, level) share every
-- cell: a small integer for each such set, so the fan-out into cells is worked out per set
-- (a few thousand) and joined to the events on one integer, not on six text columns. The sets
-- are found by grouping, then numbered: sorting every event on six columns cost more.
dim_values as (
    select
        row_number() over (
            order by yr, qtr, program, country_code, event_type, cascade_level
        ) as dims,
        yr, qtr, program, country_code, event_type, cascade_level
    from (select distinct yr, qtr, program, country_code, event_type, cascade_level from ev)
),

ev_dims as (
    select e.event_id, v.dims
    from ev as e
    inner join dim_values as v
        on v.yr = e.yr and v.qtr = e.qtr and v.program = e.program
        and v.country_code = e.country_code and v.event_type = e.event_type
        and v.cascade_level is not distinct from e.cascade_level
),

scoped_dims as (
    select '*' as scope_key, v.*
    from dim_values as v
    union all
    select s.scope_key, v.*
    from dim_values as v
    inner join main.donor_scopes as s on s.program = v.program
),

-- Every set of dimensions in every cell it belongs to.
cell_dims as (
    select
        e.scope_key,
        case s.g_period when 'year' then e.yr when 'quarter' then e.qtr else '*' end as period,
        case when s.g_program then e.program else '*' end as program,
        case when s.g_country then e.country_code else '*' end as country,
        case when s.g_type then e.event_type else '*' end as event_type,
        case when s.g_level then e.cascade_level else -1 end as level,
        e.dims
    from scoped_dims as e
    cross join grouping_sets as s
    -- A multi-program scope only needs its own "all programs" cells: one program's cells
    -- are the same in every scope and are kept once, under '*'.
    where e.scope_key = '*' or not s.g_program
),

-- A small integer per cell: grouping millions of rows on one integer instead of six text
-- columns is what keeps this rebuild fast. After a merge ($incremental), only the cells that
-- may hold an event it changed are worked out (extract_macros.sql): every number below is
-- per cell, so the others stay as they are.
cell_keys as (
    select
        row_number() over (order by scope_key, period, program, country, event_type, level)
            as cell_id,
        scope_key, period, program, country, event_type, level
    from (select distinct scope_key, period, program, country, event_type, level
          from cell_dims) as k
    where not $incremental
        or changed_cell(k.scope_key, k.period, k.program, k.country, k.event_type, k.level)
),

dims_in_cells as (
    select k.cell_id, c.dims, c.level
    from cell_dims as c
    inner join cell_keys as k using (scope_key, period, program, country, event_type, level)
),

attendance_rows as (
    select
        p.participant_id, p.event_id, p.gender, p.birth_year::smallint as birth_year,
        e.event_order, e.cascade_level, year(e.start_date)::smallint as start_year
    from temp._cells_participants as p
    inner join temp._cells_events as e on e.event_id = p.event_id
    where p.role = 'participant'
),

-- Most people attend a single event: they are counted per event, then per set of dimensions,
-- before the fan-out into cells. So are people with two rows (most returning people), each
-- row as if it were alone, then corrected (pair_corrections). Only people with three rows or
-- more are grouped per cell and person. (This keeps the rebuild's memory and time to a
-- fraction of grouping every row in every cell.)
returners as (
    select participant_id, count(*) as rows_n
    from attendance_rows
    group by participant_id
    having count(*) > 1
),

-- Each numbered (pid): grouping millions of rows per cell and person is quicker on two
-- integers than on an integer and the ID's text. So are the trainers with more than one row
-- and activation's base below (the activated, few, keep the ID).
many as (
    select participant_id, row_number() over () as pid from returners where rows_n > 2
),

-- A single-event person's age is that event's start year minus the row's birth year.
single_groups as (
    select
        a.event_id,
        a.cascade_level,
        a.gender,
        age_band(a.start_year - a.birth_year, $age_band_of, $age_unknown) as band,
        count(*) as people
    from attendance_rows as a
    anti join many as r on r.participant_id = a.participant_id
    group by all
),

-- Single-event people per set of dimensions (ev_dims), then per cell: summed before the
-- fan-out, never joined row by row to every cell of their event.
single_dims as (
    select
        d.dims,
        sum(s.people) as people,
        coalesce(sum(s.people) filter (where s.cascade_level = 0), 0) as direct_people,
        coalesce(sum(s.people) filter (where s.gender = 'female'), 0) as female,
        coalesce(sum(s.people) filter (where s.gender = 'male'), 0) as male,
        coalesce(sum(s.people) filter (where s.gender = 'other'), 0) as other,
        coalesce(sum(s.people) filter (where s.gender = 'undisclosed'), 0) as undisclosed,
        sum(s.people) as attendances
    from single_groups as s
    inner join ev_dims as d on d.event_id = s.event_id
    group by d.dims
),

single_counts as (
    select
        c.cell_id,
        sum(s.people) as people,
        sum(s.direct_people) as direct_people,
        sum(s.female) as female,
        sum(s.male) as male,
        sum(s.other) as other,
        sum(s.undisclosed) as undisclosed,
        sum(s.attendances) as attendances
    from single_dims as s
    inner join dims_in_cells as c using (dims)
    group by c.cell_id
),

attendance as (
    select
        c.cell_id, r.pid, a.gender, a.birth_year, a.start_year, a.event_order,
        a.cascade_level
    from attendance_rows as a
    inner join many as r on r.participant_id = a.participant_id
    inner join ev_dims as d on d.event_id = a.event_id
    inner join dims_in_cells as c on c.dims = d.dims
),

people as (
    select
        cell_id,
        pid,
        latest_gender(gender, event_order) as gender,
        min(cascade_level) as first_level,
        age_band(
            age_at_first(birth_year, start_year, event_order), $age_band_of, $age_unknown
        ) as band,
        count(*) as attendances
    from attendance
    group by cell_id, pid
),

-- A person with two rows was counted above once per row. The cells holding both rows (every
-- dimension "all" or one the two events share) count them twice, so for those cells a
-- correction takes each lone row out and puts the person in once, as `people` would count
-- them. Corrections are added up by what the two events share before the fan-out: few rows.
pair_rows as (
    select
        a.participant_id,
        -- The two events' sets of dimensions: two integers, not six text columns, per person.
        min(d.dims) as dims_a,
        max(d.dims) as dims_b,
        latest_gender(a.gender, a.event_order) as gender,
        age_band(
            age_at_first(a.birth_year, a.start_year, a.event_order), $age_band_of, $age_unknown
        ) as band,
        min(a.cascade_level) = 0 as direct
    from attendance_rows as a
    inner join returners as r on r.participant_id = a.participant_id and r.rows_n = 2
    inner join ev_dims as d on d.event_id = a.event_id
    group by a.participant_id
),

pair_people as (
    select
        p.participant_id,
        -- What both events share; null where they differ (only "all" holds both there), or
        -- where either has none.
        if(x.yr = y.yr, x.yr, null) as yr,
        if(x.qtr = y.qtr, x.qtr, null) as qtr,
        if(x.program = y.program, x.program, null) as program,
        if(x.country_code = y.country_code, x.country_code, null) as country_code,
        if(x.event_type = y.event_type, x.event_type, null) as event_type,
        if(x.cascade_level = y.cascade_level, x.cascade_level, null) as cascade_level,
        -- Both programs: a multi-program scope holds both rows only when it has both.
        least(x.program, y.program) as program_a,
        greatest(x.program, y.program) as program_b,
        p.gender,
        p.band,
        p.direct
    from pair_rows as p
    inner join dim_values as x on x.dims = p.dims_a
    inner join dim_values as y on y.dims = p.dims_b
),

pair_corrections as (
    select
        yr, qtr, program, country_code, event_type, cascade_level, program_a, program_b,
        gender, band, direct,
        sum(people) as people,
        sum(attendances) as attendances
    from (
        -- The person once, in the cells holding both rows ...
        select
            yr, qtr, program, country_code, event_type, cascade_level, program_a, program_b,
            gender, band, direct, 1 as people, 2 as attendances
        from pair_people
        union all
        -- ... instead of each row alone, as single_groups counted it there.
        select
            p.yr, p.qtr, p.program, p.country_code, p.event_type, p.cascade_level,
            p.program_a, p.program_b, a.gender,
            age_band(a.start_year - a.birth_year, $age_band_of, $age_unknown) as band,
            a.cascade_level = 0 as direct,
            -1 as people, -1 as attendances
        from pair_people as p
        inner join attendance_rows as a on a.participant_id = p.participant_id
    )
    group by all
),

pair_scoped as (
    select '*' as scope_key, c.*
    from pair_corrections as c
    union all
    select a.scope_key, c.*
    from pair_corrections as c
    inner join main.donor_scopes as a on a.program = c.program_a
    inner join main.donor_scopes as b on b.scope_key = a.scope_key and b.program = c.program_b
),

-- The cells holding both rows: a shared dimension may be chosen, a differing one (null) not.
pair_cells as (
    select k.cell_id, c.gender, c.band, c.direct, c.people, c.attendances
    from pair_scoped as c
    cross join grouping_sets as s
    inner join cell_keys as k
        on k.scope_key = c.scope_key
        and k.period
            = case s.g_period when 'year' then c.yr when 'quarter' then c.qtr else '*' end
        and k.program = case when s.g_program then c.program else '*' end
        and k.country = case when s.g_country then c.country_code else '*' end
        and k.event_type = case when s.g_type then c.event_type else '*' end
        and k.level = case when s.g_level then c.cascade_level else -1 end
    where c.scope_key = '*' or not s.g_program
),

-- Returning people of each kind per cell, in few rows: the counts and the ages below both
-- add these up, so the (large) people are grouped once and never kept. (A pair's
-- corrections are negative where they take lone rows out; every sum comes out whole.)
returning_kinds as (
    select cell_id, gender, band, direct, sum(people) as people, sum(attendances) as attendances
    from (
        select
            cell_id, gender, band, first_level = 0 as direct, 1 as people, attendances
        from people
        union all
        select cell_id, gender, band, direct, people, attendances from pair_cells
    )
    group by all
),

returning_counts as (
    select
        cell_id,
        sum(people) as people,
        coalesce(sum(people) filter (where direct), 0) as direct_people,
        coalesce(sum(people) filter (where gender = 'female'), 0) as female,
        coalesce(sum(people) filter (where gender = 'male'), 0) as male,
        coalesce(sum(people) filter (where gender = 'other'), 0) as other,
        coalesce(sum(people) filter (where gender = 'undisclosed'), 0) as undisclosed,
        sum(attendances) as attendances
    from returning_kinds
    group by cell_id
),

people_counts as (
    select
        cell_id,
        sum(people) as people,
        sum(direct_people) as direct_people,
        sum(female) as female,
        sum(male) as male,
        sum(other) as other,
        sum(undisclosed) as undisclosed,
        sum(attendances) as attendances
    from (select * from single_counts union all select * from returning_counts)
    group by cell_id
),

trainer_person_rows as (
    select p.participant_id, p.event_id, p.gender, e.event_order
    from temp._cells_participants as p
    inner join temp._cells_events as e on e.event_id = p.event_id
    where p.role in ('trainer', 'facilitator')
),

-- Most trainers train at one event: their one row's gender, added up per set of dimensions
-- before the fan-out into cells, as single-event people are. Only trainers with more rows
-- are grouped per cell and person.
trainer_returners as (
    select participant_id, row_number() over () as pid
    from trainer_person_rows
    group by participant_id
    having count(*) > 1
),

single_trainers as (
    select d.dims, t.gender, count(*) as trainers
    from trainer_person_rows as t
    anti join trainer_returners as r on r.participant_id = t.participant_id
    inner join ev_dims as d on d.event_id = t.event_id
    group by all
),

trainer_rows as (
    select
        c.cell_id,
        r.pid,
        -- A tie (trainer and facilitator at one event) goes to the greater gender, as in
        -- macros.sql's trainer_gender; here the key is one integer, not a struct, because
        -- the extract holds many of these groups (female < male < other, as text sorts).
        coalesce(
            arg_max(
                t.gender,
                t.event_order::bigint * 4
                    + case t.gender when 'female' then 1 when 'male' then 2 else 3 end
            ) filter (where t.gender <> 'undisclosed'),
            'undisclosed'
        ) as gender
    from trainer_person_rows as t
    inner join trainer_returners as r on r.participant_id = t.participant_id
    inner join ev_dims as d on d.event_id = t.event_id
    inner join dims_in_cells as c on c.dims = d.dims
    group by c.cell_id, r.pid
),

trainer_counts as (
    select
        cell_id,
        sum(trainers) as trainers,
        coalesce(sum(trainers) filter (where gender = 'female'), 0) as trainers_female,
        coalesce(sum(trainers) filter (where gender = 'male'), 0) as trainers_male,
        coalesce(sum(trainers) filter (where gender = 'other'), 0) as trainers_other,
        coalesce(sum(trainers) filter (where gender = 'undisclosed'), 0)
            as trainers_undisclosed
    from (
        select c.cell_id, s.gender, s.trainers
        from single_trainers as s
        inner join dims_in_cells as c using (dims)
        union all
        select cell_id, gender, 1 as trainers from trainer_rows
    )
    group by cell_id
),

-- Events, step-downs and headcounts per set of dimensions, then per cell.
dims_events as (
    select
        d.dims,
        count(*) as events,
        count(*) filter (where e.cascade_level >= 1) as step_down_events,
        coalesce(sum(e.n) filter (where not e.has_attendance), 0) as head_n,
        coalesce(sum(e.n) filter (where not e.has_attendance and e.cascade_level = 0), 0)
            as head_direct,
        coalesce(sum(e.f) filter (where not e.has_attendance), 0) as head_f,
        coalesce(sum(e.m) filter (where not e.has_attendance), 0) as head_m
    from ev as e
    inner join ev_dims as d using (event_id)
    group by d.dims
),

event_counts as (
    select
        c.cell_id,
        sum(x.events) as events,
        sum(x.step_down_events) as step_down_events,
        count(distinct v.country_code) as countries_reached,
        max(v.cascade_level) as depth,
        sum(x.head_n) as head_n,
        sum(x.head_direct) as head_direct,
        sum(x.head_f) as head_f,
        sum(x.head_m) as head_m
    from dims_in_cells as c
    inner join dims_events as x using (dims)
    inner join dim_values as v using (dims)
    group by c.cell_id
),

-- A cascade link counts in a cell when both its parent and its child are in that cell: the
-- cells holding both are found once per pair of sets of dimensions, then given to the links.
-- Only links whose parent has participant rows here count for activation (its base and its
-- activated both attended the parent): after a merge, when few rows are counted, few links.
attended_parents as (
    select distinct event_id
    from temp._cells_participants
    where role = 'participant'
        and event_id in (select parent_event_id from ev)
),

link_dims as (
    select ch.event_id as child, ch.parent_event_id as parent, p.dims as parent_dims,
        c.dims as child_dims
    from ev as ch
    inner join ev_dims as c on c.event_id = ch.event_id
    inner join ev_dims as p on p.event_id = ch.parent_event_id
    semi join attended_parents as a on a.event_id = ch.parent_event_id
),

link_dims_cells as (
    select pc.cell_id, l.parent_dims, l.child_dims
    from (select distinct parent_dims, child_dims from link_dims) as l
    inner join dims_in_cells as pc on pc.dims = l.parent_dims
    inner join dims_in_cells as cc on cc.dims = l.child_dims and cc.cell_id = pc.cell_id
),

links as (
    select c.cell_id, l.child, l.parent
    from link_dims as l
    inner join link_dims_cells as c using (parent_dims, child_dims)
),

linked_parents as (
    select distinct cell_id, parent from links
),

-- Activation's base: people who attended, as participant, a parent with a child in the cell.
parent_rows as (
    select a.participant_id, a.event_id as parent
    from temp._cells_participants as a
    semi join (select distinct parent from links) as l on l.parent = a.event_id
    where a.role = 'participant'
),

parent_people as (
    select participant_id, count(*) as rows_n, min(parent) as parent,
        row_number() over () as pid
    from parent_rows
    group by participant_id
),

-- Most of them attended one such parent: they are counted per parent, then per cell through
-- the parents linked in it. The others are grouped per cell and person.
base_counts as (
    select l.cell_id, sum(s.people) as people
    from linked_parents as l
    inner join (
        select parent, count(*) as people from parent_people where rows_n = 1 group by parent
    ) as s using (parent)
    group by l.cell_id
    union all
    select cell_id, count(*) as people
    from (
        select distinct l.cell_id, p.pid
        from parent_rows as a
        inner join parent_people as p on p.participant_id = a.participant_id and p.rows_n > 1
        inner join linked_parents as l on l.parent = a.parent
    )
    group by cell_id
),

-- Trainers at a child event who attended its parent as participant: few rows, found once.
trained as (
    select distinct t.event_id as child, c.parent_event_id as parent, t.participant_id
    from temp._cells_participants as t
    inner join ev as c on c.event_id = t.event_id
    inner join temp._cells_participants as a
        on a.event_id = c.parent_event_id
        and a.participant_id = t.participant_id
        and a.role = 'participant'
    where t.role in ('trainer', 'facilitator')
),

trained_people as (
    select participant_id, count(*) as rows_n
    from trained
    group by participant_id
),

-- The activated are in the base by definition (they attended the link's parent), so they are
-- counted on their own, the same way: per link for those trained at one, per person else.
activated_counts as (
    select l.cell_id, count(*) as people
    from links as l
    inner join trained as tr on tr.child = l.child and tr.parent = l.parent
    semi join trained_people as p on p.participant_id = tr.participant_id and p.rows_n = 1
    group by l.cell_id
    union all
    select cell_id, count(*) as people
    from (
        select distinct l.cell_id, tr.participant_id
        from links as l
        inner join trained as tr on tr.child = l.child and tr.parent = l.parent
        semi join trained_people as p on p.participant_id = tr.participant_id and p.rows_n > 1
    )
    group by cell_id
),

activation as (
    select cell_id, sum(base) as activation_base, sum(activated) as activated
    from (
        select cell_id, people as base, 0 as activated from base_counts
        union all
        select cell_id, 0 as base, people as activated from activated_counts
    )
    group by cell_id
),

-- Single-event people are added up per set of dimensions (ev_dims) before the fan-out into
-- cells (per event it was millions of rows).
dims_cells as (
    select cell_id, dims
    from dims_in_cells
    where level = -1
),

single_ages as (
    select d.dims, s.band, s.gender, sum(s.people) as people
    from single_groups as s
    inner join ev_dims as d on d.event_id = s.event_id
    group by all
),

-- People per cell, age band and gender: single-event people, returning people, and the
-- headcounts' people as unknown (female, male, the rest undisclosed). Cascade-level cells
-- get none: no donor chart breaks ages down by level.
age_people as (
    select cell_id, band, gender, sum(people) as people
    from (
        select c.cell_id, s.band, s.gender, s.people
        from single_ages as s
        inner join dims_cells as c on c.dims = s.dims
        union all
        select cell_id, band, gender, people from returning_kinds
        union all
        select cell_id, $age_unknown, 'female', head_f from event_counts
        union all
        select cell_id, $age_unknown, 'male', head_m from event_counts
        union all
        select cell_id, $age_unknown, 'undisclosed', head_n - head_f - head_m from event_counts
    )
    group by all
),

age_bands as (
    select unnest($age_bands) as band, generate_subscripts($age_bands, 1) as pos
),

age_genders as (
    select * from (
        values ('female', 1), ('male', 2), ('other', 3), ('undisclosed', 4), ('*', 5)
    ) as g (gender, pos)
),

-- Every band and gender of every cell (absent: 0), so a published cell never tells a 0 from
-- a suppressed count by a missing row. Gender '*' is the band's people of every gender.
ages as (
    select
        k.cell_id,
        list(
            struct_pack(
                band := b.band,
                gender := g.gender,
                people := coalesce(
                    if(g.gender = '*', t.people, a.people), 0
                )::bigint
            )
            order by b.pos, g.pos
        ) as ages
    from cell_keys as k
    cross join age_bands as b
    cross join age_genders as g
    left join age_people as a
        on a.cell_id = k.cell_id and a.band = b.band and a.gender = g.gender
    left join (
        select cell_id, band, sum(people) as people from age_people group by cell_id, band
    ) as t
        on t.cell_id = k.cell_id and t.band = b.band
    where k.level = -1
    group by k.cell_id
),

final as (
    select
        k.cell_id,
        k.scope_key, k.period, k.program, k.country, k.event_type, k.level,
        (coalesce(p.people, 0) + e.head_n)::bigint as people_reached,
        (coalesce(p.direct_people, 0) + e.head_direct)::bigint as direct_reach,
        (coalesce(p.people, 0) + e.head_n - coalesce(p.direct_people, 0) - e.head_direct)::bigint
            as cascade_reach,
        (coalesce(p.attendances, 0) + e.head_n)::bigint as attendances,
        (coalesce(p.female, 0) + e.head_f)::bigint as female,
        (coalesce(p.male, 0) + e.head_m)::bigint as male,
        coalesce(p.other, 0)::bigint as other,
        (coalesce(p.undisclosed, 0) + e.head_n - e.head_f - e.head_m)::bigint as undisclosed,
        coalesce(t.trainers, 0)::bigint as trainers,
        coalesce(t.trainers_female, 0)::bigint as trainers_female,
        coalesce(t.trainers_male, 0)::bigint as trainers_male,
        coalesce(t.trainers_other, 0)::bigint as trainers_other,
        coalesce(t.trainers_undisclosed, 0)::bigint as trainers_undisclosed,
        coalesce(a.activation_base, 0)::bigint as activation_base,
        coalesce(a.activated, 0)::bigint as activated,
        e.events::bigint as events,
        e.step_down_events::bigint as step_down_events,
        e.countries_reached::bigint as countries_reached,
        e.depth,
        ag.ages
    from event_counts as e
    inner join cell_keys as k using (cell_id)
    left join people_counts as p using (cell_id)
    left join trainer_counts as t using (cell_id)
    left join activation as a using (cell_id)
    left join ages as ag using (cell_id)
    order by k.cell_id
)

select * from final
