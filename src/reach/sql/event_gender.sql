-- Per in-scope event: people by gender (each person with their gender over the whole scope;
-- headcount events with their reported split) and the women's share among those who gave one.
-- A person with one row has that row's gender (latest_gender of one row): only people with
-- more rows are looked up, so the rows are joined to 1.3M of them at 10M rows, not to all
-- 7.3M people reached.
with att as not materialized (
    select participant_id, event_id, gender, event_order
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to)
),

returning_people as (
    select participant_id, latest_gender(gender, event_order) as gender
    from att
    group by participant_id
    having count(*) > 1
),

listed as (
    select
        a.event_id,
        -- A person is listed once per event and role (duplicates are dropped on load).
        count(*) filter (where coalesce(r.gender, a.gender) = 'female') as female,
        count(*) filter (where coalesce(r.gender, a.gender) = 'male') as male,
        count(*) filter (where coalesce(r.gender, a.gender) = 'other') as other,
        count(*) filter (where coalesce(r.gender, a.gender) = 'undisclosed') as undisclosed
    from att as a
    left join returning_people as r on r.participant_id = a.participant_id
    group by a.event_id
),

scope as (
    select * from scoped_events($programs, $countries, $event_types, $date_from, $date_to)
),

counts as (
    select
        s.event_id,
        s.title,
        s.program,
        s.start_date,
        s.country_code,
        case when s.has_attendance then 'attendance list' else 'reported headcount' end
            as source,
        case when s.has_attendance then l.female else coalesce(s.reported_female, 0) end
            as female,
        case when s.has_attendance then l.male else coalesce(s.reported_male, 0) end as male,
        case when s.has_attendance then l.other else 0 end as other,
        case
            when s.has_attendance then l.undisclosed
            else coalesce(s.reported_participants, 0) - coalesce(s.reported_female, 0)
                - coalesce(s.reported_male, 0)
        end as undisclosed
    from scope as s
    left join listed as l on l.event_id = s.event_id
),

final as (
    select
        *,
        case when female + male + other > 0 then female / (female + male + other) end
            as female_share
    from counts
    order by start_date desc, event_id
)

select * from final
