-- Per in-scope event: people by gender (each person with their gender over the whole scope;
-- headcount events with their reported split) and the women's share among those who gave one.
with people as (
    select * from person_gender($programs, $countries, $event_types, $date_from, $date_to)
),

listed as (
    select
        a.event_id,
        -- A person is listed once per event and role (duplicates are dropped on load).
        count(*) filter (where p.gender = 'female') as female,
        count(*) filter (where p.gender = 'male') as male,
        count(*) filter (where p.gender = 'other') as other,
        count(*) filter (where p.gender = 'undisclosed') as undisclosed
    from scoped_attendance($programs, $countries, $event_types, $date_from, $date_to) as a
    inner join people as p on p.participant_id = a.participant_id
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
