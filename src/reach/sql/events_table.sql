-- One row per in-scope event with its counts; "source" says whether the people counted come
-- from the attendance list or from a reported headcount.
with scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

listed_rows as (
    select p.event_id, count(*) as listed
    from main.participants as p
    where p.event_id in (select event_id from scope) and p.role = 'participant'
    group by p.event_id
),

-- Trainers apart: a distinct count over the few trainer rows, not over every row (at ten
-- million rows, counting them inside one grouping with the listed rows took most of the time).
trainer_rows as (
    select p.event_id, count(distinct p.participant_id) as trainers
    from main.participants as p
    where p.event_id in (select event_id from scope) and p.role in ('trainer', 'facilitator')
    group by p.event_id
),

rows_per_event as (
    select
        coalesce(l.event_id, t.event_id) as event_id,
        coalesce(l.listed, 0) as listed,
        coalesce(t.trainers, 0) as trainers
    from listed_rows as l
    full outer join trainer_rows as t on t.event_id = l.event_id
),

final as (
    select
        s.event_id,
        s.title,
        s.program,
        s.event_type,
        s.start_date,
        s.city,
        s.country_code,
        s.cascade_level,
        s.parent_event_id,
        case when s.has_attendance then 'attendance list' else 'reported headcount' end
            as source,
        coalesce(r.listed, 0) as listed_participants,
        s.reported_participants,
        case when s.has_attendance then r.listed else coalesce(s.reported_participants, 0) end
            as participants_counted,
        coalesce(r.trainers, 0) as trainers
    from scope as s
    left join rows_per_event as r on r.event_id = s.event_id
    order by s.start_date desc, s.event_id
)

select * from final
