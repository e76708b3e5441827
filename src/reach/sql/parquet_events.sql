-- The events table as Parquet rows: every stored column, plus the year the event started
-- (with program, the partition Spark, Trino or BigQuery prune on).
with stored as (
    select * from events
),

final as (
    select
        event_id, title, program, event_type, start_date, end_date, city, country_code,
        organizer, parent_event_id, reported_participants, reported_female, reported_male,
        cascade_level, root_event_id,
        year(start_date) as year
    from stored
)

select * from final order by start_date, event_id
