-- Macros for ages; created as temp macros on each connection, after macros.sql.
-- The bands come from reach.ages as parameters: band_of is the band of each age 0, 1, …
-- (its last entry also stands for every older age), unknown the label of a missing age.
create or replace temp macro age_band(age, band_of, unknown) as
case
    -- No birth year, or one after the event (an impossible, negative age).
    when age is null or age < 0 then unknown
    -- The index is cast to an integer so SQLGlot knows it is one and moves it to Spark's
    -- 0-based lists; array_length, not len, becomes Spark's size (reach.spark.portable).
    else band_of[least(age, array_length(band_of) - 1)::integer + 1]
end;

-- An aggregate over one person's attendance rows in a scope: the start year of their first
-- attendance minus the birth year of their latest row that has one (event_order is the
-- store's position by start_date, then event_id). Null when no row has a birth year.
-- The latest birth year is arg_max(birth_year, event_order) over the rows that have one,
-- taken as the max of one integer holding both (birth years are 1900..this year, < 4096):
-- measured, a third cheaper than arg_max in the donor extract's millions of groups.
create or replace temp macro age_at_first(birth_year, start_year, event_order) as
min(start_year) - max(event_order::bigint * 4096 + birth_year) % 4096;

-- scoped_attendance's rows with each row's birth year and the event's start year (the
-- shared macro does not carry them).
create or replace temp macro aged_attendance(
    programs, countries, event_types, date_from, date_to
) as table
select
    p.participant_id, p.gender, p.role, p.birth_year, s.event_id, s.event_order,
    s.cascade_level, s.program, s.country_code, s.event_type, s.start_date,
    year(s.start_date) as start_year
from main.participants as p
inner join scoped_events(programs, countries, event_types, date_from, date_to) as s
    on s.event_id = p.event_id
where p.role = 'participant';
