-- Table macros shared by the metric queries; created as temp macros on each connection.
create or replace temp macro scoped_events(programs, countries, event_types, date_from, date_to)
as table
select *
from main.events
where (len(programs) = 0 or list_contains(programs, program))
    and (len(countries) = 0 or list_contains(countries, country_code))
    and (len(event_types) = 0 or list_contains(event_types, event_type))
    and (date_from is null or start_date >= date_from)
    and (date_to is null or start_date <= date_to)
