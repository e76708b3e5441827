-- Table macros shared by the metric queries; created as temp macros on each connection.
-- They hold the contract's definitions once: scope, attendance, headcounts, a person's gender.
-- array_length, not len: it transpiles to Spark's size (reach.spark.portable).
create or replace temp macro scoped_events(programs, countries, event_types, date_from, date_to)
as table
select *
from main.events
where (array_length(programs) = 0 or list_contains(programs, program))
    and (array_length(countries) = 0 or list_contains(countries, country_code))
    and (array_length(event_types) = 0 or list_contains(event_types, event_type))
    and (date_from is null or start_date >= date_from)
    and (date_to is null or start_date <= date_to);

-- Attendance rows (role participant) of in-scope events, with the event's dimensions.
create or replace temp macro scoped_attendance(
    programs, countries, event_types, date_from, date_to
) as table
select
    p.participant_id, p.gender, p.role, s.event_id, s.event_order, s.cascade_level, s.program,
    s.country_code, s.event_type, s.start_date
from main.participants as p
inner join scoped_events(programs, countries, event_types, date_from, date_to) as s
    on s.event_id = p.event_id
where p.role = 'participant';

-- In-scope events without an attendance list: their reported headcount and its split.
create or replace temp macro scoped_headcounts(
    programs, countries, event_types, date_from, date_to
) as table
select
    event_id, cascade_level, program, country_code, event_type, start_date,
    coalesce(reported_participants, 0) as n,
    coalesce(reported_female, 0) as f,
    coalesce(reported_male, 0) as m,
    coalesce(reported_participants, 0) - coalesce(reported_female, 0)
        - coalesce(reported_male, 0) as u
from scoped_events(programs, countries, event_types, date_from, date_to)
where not has_attendance;

-- Per in-scope event with any rows: its attendance rows (role participant) and its distinct
-- trainers or facilitators. Counted apart: a distinct count over the few trainer rows, not
-- over every row (at ten million rows, counting both in one grouping took most of the time).
create or replace temp macro event_rows(programs, countries, event_types, date_from, date_to)
as table
select
    coalesce(l.event_id, t.event_id) as event_id,
    coalesce(l.listed, 0) as listed,
    coalesce(t.trainers, 0) as trainers
from (
    select p.event_id, count(*) as listed
    from main.participants as p
    where p.event_id in (
        select event_id
        from scoped_events(programs, countries, event_types, date_from, date_to)
    )
        and p.role = 'participant'
    group by p.event_id
) as l
full outer join (
    select p.event_id, count(distinct p.participant_id) as trainers
    from main.participants as p
    where p.event_id in (
        select event_id
        from scoped_events(programs, countries, event_types, date_from, date_to)
    )
        and p.role in ('trainer', 'facilitator')
    group by p.event_id
) as t
    on t.event_id = l.event_id;

-- Every period ($grain: month, quarter or year) from the first to the last in-scope event's,
-- empty ones too: a chart must show an empty quarter as zero, not draw a line across it.
-- The step is an interval literal per grain: Spark turns no text into an interval, and takes
-- no set-returning function in an aggregate (hence the bounds first).
create or replace temp macro period_series(
    programs, countries, event_types, date_from, date_to, grain
) as table
select
    unnest(
        generate_series(
            first_period,
            last_period,
            case grain
                when 'month' then interval 1 month
                when 'quarter' then interval 3 month
                else interval 1 year
            end
        )
    ) as period
from (
    select
        min(date_trunc(grain, start_date)) as first_period,
        max(date_trunc(grain, start_date)) as last_period
    from scoped_events(programs, countries, event_types, date_from, date_to)
    having count(*) > 0
) as bounds;

-- Reported headcounts per period ($grain), for the series over time: the people of in-scope
-- events without an attendance list, in the period of each event's start.
create or replace temp macro period_headcounts(
    programs, countries, event_types, date_from, date_to, grain
) as table
select date_trunc(grain, start_date) as period, sum(n) as n
from scoped_headcounts(programs, countries, event_types, date_from, date_to)
group by date_trunc(grain, start_date);

-- A person's gender, over their rows (an aggregate: the rows grouped per person): the gender
-- of their latest row that is not undisclosed, else undisclosed.
create or replace temp macro latest_gender(gender, event_order) as
coalesce(arg_max(gender, event_order) filter (where gender <> 'undisclosed'), 'undisclosed');

-- Each trainer or facilitator in scope, with their latest disclosed gender. A person can be
-- both at one event (two rows, one event_order): the tie goes to the greater gender, so
-- every engine picks the same row.
create or replace temp macro trainer_gender(programs, countries, event_types, date_from, date_to)
as table
select
    p.participant_id,
    coalesce(
        arg_max(p.gender, struct_pack(event_order := s.event_order, gender := p.gender))
            filter (where p.gender <> 'undisclosed'),
        'undisclosed'
    ) as gender
from main.participants as p
inner join scoped_events(programs, countries, event_types, date_from, date_to) as s
    on s.event_id = p.event_id
where p.role in ('trainer', 'facilitator')
group by p.participant_id;

-- People reached per 100,000 inhabitants (null without a population). In doubles, as DuckDB
-- divides a decimal: Spark would keep a rounded decimal.
create or replace temp macro per_100k(people, population) as
case when population > 0 then people::double * 100000 / population end;

-- Every country's name, region and population: the organisation's countries file where it
-- gives them, else the ISO reference; a code only the countries file knows, from there.
create or replace temp macro country_names()
as table
select
    r.country_code,
    coalesce(c.name, r.name) as name,
    coalesce(c.region, r.region) as region,
    coalesce(c.population, r.population) as population
from main.country_reference as r
left join main.countries as c on c.country_code = r.country_code
union all
select c.country_code, c.name, c.region, c.population
from main.countries as c
where c.country_code not in (select country_code from main.country_reference);
