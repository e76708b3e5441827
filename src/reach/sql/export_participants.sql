-- participants.csv as the contract writes it: every attendance row, in the order its event
-- started, then by event, person and role.
with stored as (
    select * from participants
),

dated as (
    select p.*, e.start_date
    from stored as p
    left join events as e on e.event_id = p.event_id
),

final as (
    select
        participant_id, event_id, gender, role, birth_year, country_code, organization,
        start_date
    from dated
)

-- The event's start orders the rows; it is not a column of the file.
select * exclude (start_date) from final
order by start_date, event_id, participant_id, role
