-- Participant rows (one per person, event and role: pseudonymous IDs only, as stored) with
-- the program and year of their event, so they partition with the events they belong to.
with rows as (
    select * from participants
),

event_keys as (
    select event_id, program, year(start_date) as year, start_date from events
),

final as (
    select
        r.participant_id, r.event_id, r.gender, r.role, r.birth_year, r.country_code,
        r.organization, e.program, e.year
    from rows as r
    inner join event_keys as e using (event_id)
    order by e.start_date, r.event_id, r.participant_id, r.role
)

select * from final
