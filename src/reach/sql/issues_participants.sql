-- Every problem in stg_participants, one row per problem and row (grouped by group_issues.sql).
-- Needs: stg_participants, all_events (event_id) after the load would apply, $current_year.
with p as (
    select * from stg_participants
),

errors as (
    select 'missing_value' as code, 'participant_id' as col, null as value, _row
    from p where participant_id is null
    union all
    select 'missing_value', 'event_id', null, _row from p where event_id is null
    union all
    select 'unknown_event', 'event_id', event_id, _row
    from p where event_id is not null and event_id not in (select event_id from all_events)
    union all
    select 'unknown_role', 'role', role_raw, _row
    from p where role_raw is not null and role is null
    union all
    select 'not_whole_number', 'birth_year', birth_year_raw, _row
    from p where birth_year_raw is not null and birth_year is null
    union all
    select 'birth_year_out_of_range', 'birth_year', birth_year_raw, _row
    from p where birth_year < 1900 or birth_year > $current_year
),

warnings as (
    select 'unknown_gender' as code, 'gender' as col, gender_raw as value, _row
    from p where gender_unrecognised
    union all
    select 'unknown_participant_country', 'country_code', country_raw, _row
    from p where country_raw is not null and country_code is null
),

-- Group first and join back only the few offending keys: windows over every row are slow.
repeated as (
    select participant_id, event_id, role
    from p
    where participant_id is not null and event_id is not null and role is not null
    group by participant_id, event_id, role
    having count(*) > 1
),

duplicates as (
    select 'duplicate_attendance' as code, 'participant_id' as col,
        p.participant_id || ' at ' || p.event_id || ' as ' || p.role as value, p._row
    from p
    inner join repeated as r using (participant_id, event_id, role)
),

conflicted as (
    select participant_id
    from p
    where participant_id is not null and gender <> 'undisclosed'
    group by participant_id
    having count(distinct gender) > 1
),

gender_conflicts as (
    select 'gender_conflict' as code, 'gender' as col, p.participant_id as value, p._row
    from p
    inner join conflicted as c using (participant_id)
    where p.gender <> 'undisclosed'
),

all_issues as (
    select * from errors
    union all select * from warnings
    union all select * from duplicates
    union all select * from gender_conflicts
),

final as (
    select code, col, value, _row from all_issues
)

select * from final
