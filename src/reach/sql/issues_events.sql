-- Every problem in stg_events, one row per problem and row (grouped by group_issues.sql).
-- Needs: stg_events, all_events (event_id, parent_event_id) after the load would apply,
-- chain_events (the same, or for a merge only the cascade trees it touches: touched_roots.sql),
-- attendance_events (event_id) that would have participant rows after the load.
with recursive e as (
    select * from stg_events
),

missing as (
    select 'missing_value' as code, 'event_id' as col, null as value, _row
    from e where event_id is null
    union all
    select 'missing_value', 'title', null, _row from e where title is null
    union all
    select 'missing_value', 'event_type', null, _row from e where event_type_raw is null
    union all
    select 'missing_value', 'start_date', null, _row from e where start_date_raw is null
    union all
    select 'missing_value', 'country_code', null, _row from e where country_raw is null
),

duplicates as (
    select 'duplicate_event_id' as code, 'event_id' as col, event_id as value, _row
    from e
    qualify count(*) over (partition by event_id) > 1 and event_id is not null
),

bad_values as (
    select 'unknown_event_type' as code, 'event_type' as col, event_type_raw as value, _row
    from e where event_type_raw is not null and event_type is null
    union all
    -- '*' means "all programs" and '(no program)' events without one in the donor extract.
    select 'reserved_program', 'program', program, _row
    from e where program in ('*', '(no program)')
    union all
    select 'bad_date', 'start_date', start_date_raw, _row
    from e where start_date_raw is not null and start_date is null
    union all
    select 'bad_date', 'end_date', end_date_raw, _row
    from e where end_date_raw is not null and end_date is null
    union all
    select 'end_before_start', 'end_date', end_date_raw, _row
    from e where end_date < start_date
    union all
    select 'unknown_country', 'country_code', country_raw, _row
    from e where country_raw is not null and country_code is null
),

counts as (
    select 'not_whole_number' as code, 'reported_participants' as col,
        reported_participants_raw as value, _row
    from e where reported_participants_raw is not null and reported_participants is null
    union all
    select 'not_whole_number', 'reported_female', reported_female_raw, _row
    from e where reported_female_raw is not null and reported_female is null
    union all
    select 'not_whole_number', 'reported_male', reported_male_raw, _row
    from e where reported_male_raw is not null and reported_male is null
    union all
    select 'negative_number', 'reported_participants', reported_participants_raw, _row
    from e where reported_participants < 0
    union all
    select 'negative_number', 'reported_female', reported_female_raw, _row
    from e where reported_female < 0
    union all
    select 'negative_number', 'reported_male', reported_male_raw, _row
    from e where reported_male < 0
    union all
    select 'split_above_total', 'reported_female',
        coalesce(reported_female_raw, '0') || ' + ' || coalesce(reported_male_raw, '0')
        || ' > ' || coalesce(reported_participants_raw, 'blank'),
        _row
    from e
    where (reported_female_raw is null or reported_female >= 0)
        and (reported_male_raw is null or reported_male >= 0)
        and (reported_participants_raw is null or reported_participants >= 0)
        and coalesce(reported_female, 0) + coalesce(reported_male, 0)
        > coalesce(reported_participants, 0)
),

missing_parent as (
    select 'unknown_parent' as code, 'parent_event_id' as col, parent_event_id as value, _row
    from e
    where parent_event_id is not null
        and parent_event_id not in (select event_id from all_events)
),

-- Cycles by pointer jumping, in linear time whatever the depth: each event points at its
-- parent (one without a parent, or with an unknown one, is "done" and points at itself).
-- Each round moves every pointer that is not done to its target's pointer, doubling the
-- steps it has walked up; after ceil(log2 n) rounds every event points at its root (done)
-- or, at least n steps up, at an event on the cycle it hangs from. Every event on a cycle
-- is so pointed at (n steps along the cycle from another one), so the targets not done are
-- exactly the events on cycles. A duplicated event_id (refused anyway) takes one parent.
nodes as (
    select
        event_id,
        if(bool_or(parent_event_id is null), null, min(parent_event_id)) as parent_event_id
    from chain_events
    group by event_id
),

rounds as (
    select ceil(log2(greatest(count(*), 2)))::integer as n from nodes
),

jump (event_id, round, target, done) using key (event_id) as (
    select n.event_id, 0, coalesce(p.event_id, n.event_id), p.event_id is null
    from nodes as n
    left join nodes as p on p.event_id = n.parent_event_id
    union
    select j.event_id, j.round + 1, t.target, t.done
    from jump as j
    inner join recurring.jump as t on t.event_id = j.target
    where not j.done and j.round < (select n from rounds)
),

cycles as (
    select 'parent_cycle' as code, 'parent_event_id' as col, e.parent_event_id as value, e._row
    from e
    where e.event_id in (select target from jump where not done)
),

-- Latin and Cyrillic letters in one event_id: the two alphabets share look-alikes (Е and E).
mixed_script as (
    select 'mixed_script_id' as code, 'event_id' as col, event_id as value, _row
    from e
    where strlen(event_id) <> length(event_id)
        and regexp_matches(event_id, '\p{Latin}')
        and regexp_matches(event_id, '\p{Cyrillic}')
),

headcount_and_rows as (
    select 'headcount_and_rows' as code, 'reported_participants' as col,
        event_id as value, _row
    from e
    where reported_participants is not null
        and event_id in (select event_id from attendance_events)
),

all_issues as (
    select * from missing
    union all select * from duplicates
    union all select * from bad_values
    union all select * from counts
    union all select * from missing_parent
    union all select * from cycles
    union all select * from mixed_script
    union all select * from headcount_and_rows
),

final as (
    select code, col, value, _row from all_issues
)

select * from final
