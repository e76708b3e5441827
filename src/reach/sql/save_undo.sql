-- Before a merge: keep the rows it will overwrite and the keys it will touch.
insert into undo_events
select * from events
where event_id in (select event_id from plan_events where action = 'update');

insert into undo_keys
select 'event', event_id from plan_events where action in ('add', 'update');

insert into undo_participants
select * from participants
where event_id in (select event_id from plan_attendance where action = 'replace');

insert into undo_keys
select 'list', event_id from plan_attendance where action in ('add', 'replace');

insert into undo_countries
select * from countries
where country_code in (select country_code from stg_countries);

insert into undo_keys
select 'country', country_code from stg_countries where country_code is not null;

insert into undo_targets
select * from targets
where program in (select program from stg_targets where program is not null);

insert into undo_keys
select distinct 'target', program from stg_targets where program is not null;
