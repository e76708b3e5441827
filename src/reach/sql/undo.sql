-- Put back what the last load overwrote (see save_undo.sql); 'all' undoes a replace-all.
delete from events
where exists (select 1 from undo_keys where kind = 'all')
    or event_id in (select key from undo_keys where kind = 'event');

delete from participants
where exists (select 1 from undo_keys where kind = 'all')
    or event_id in (select key from undo_keys where kind = 'list');

delete from countries
where exists (select 1 from undo_keys where kind = 'all')
    or country_code in (select key from undo_keys where kind = 'country');

delete from targets
where exists (select 1 from undo_keys where kind = 'all-targets')
    or program in (select key from undo_keys where kind = 'target');

insert into events select * from undo_events;

insert into participants select * from undo_participants;

insert into countries select * from undo_countries;

insert into targets select * from undo_targets;

delete from undo_events;

delete from undo_participants;

delete from undo_countries;

delete from undo_targets;

delete from undo_keys;
