-- events.csv as the contract writes it: the columns an analyst uploads, dates as YYYY-MM-DD,
-- in the order the events started.
with stored as (
    select * from events
),

final as (
    select
        event_id, title, program, event_type,
        strftime(start_date, '%Y-%m-%d') as start_date,
        strftime(end_date, '%Y-%m-%d') as end_date,
        city, country_code, organizer, parent_event_id, reported_participants,
        reported_female, reported_male
    from stored
)

-- An ISO date sorts as its date does.
select * from final order by start_date, event_id
