-- Derived columns of every stored event: cascade level and root, order by date, and whether
-- it has a list. Level and root by pointer jumping, in linear time whatever the depth: each
-- event points at its parent, one step up (a root points at itself, zero steps, and is
-- "done"). Each round moves every pointer that is not done to its target's pointer, adding
-- the target's steps, so the steps walked double; after ceil(log2 n) rounds every event
-- points at its root, and the steps are its level. Cycles are refused on the way in; an
-- event whose chain never reaches a root (a cycle, an unknown parent) keeps a null level.
-- $incremental (a merge): levels and roots are worked out only in the cascade trees the merge
-- touches (temp._touched_roots, see touched_roots.sql) and for events with no root yet (the
-- ones it brings); every other event keeps its own. The order is worked out for all.
with recursive worked as (
    select event_id, parent_event_id
    from main.events
    where not $incremental
        or root_event_id is null
        or root_event_id in (select root_event_id from temp._touched_roots)
),

rounds as (
    select ceil(log2(greatest(count(*), 2)))::integer as n from worked
),

jump (event_id, round, target, steps, done) using key (event_id) as (
    select
        e.event_id, 0, coalesce(p.event_id, e.event_id), (p.event_id is not null)::integer,
        p.event_id is null
    from worked as e
    left join worked as p on p.event_id = e.parent_event_id
    union
    select j.event_id, j.round + 1, t.target, j.steps + t.steps, t.done
    from jump as j
    inner join recurring.jump as t on t.event_id = j.target
    where not j.done and j.round < (select n from rounds)
),

walk as (
    select j.event_id, j.steps as cascade_level, j.target as root_event_id
    from jump as j
    inner join main.events as r on r.event_id = j.target
    where j.done and r.parent_event_id is null
),

attending as (
    select distinct event_id from main.participants where role = 'participant'
),

final as (
    select
        e.event_id,
        if(k.event_id is null, e.cascade_level, w.cascade_level) as cascade_level,
        if(k.event_id is null, e.root_event_id, w.root_event_id) as root_event_id,
        row_number() over (order by e.start_date, e.event_id)::integer as event_order,
        e.event_id in (select event_id from attending) as has_attendance
    from main.events as e
    left join worked as k on k.event_id = e.event_id
    left join walk as w on w.event_id = e.event_id
)

select * from final
