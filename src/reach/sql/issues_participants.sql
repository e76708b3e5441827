-- Every problem in stg_participants, one row per problem and row (grouped by group_issues.sql).
-- Needs: stg_participants, all_events (event_id) and all_people (participant_id) after the load
-- would apply, id_lookalike (participant_id, skeleton), $current_year.
-- Not materialized: DuckDB would copy every staged row into a CTE buffer for its many readers
-- (820 MB spilled to disk at ten million rows, 9 s of a 2.5 s query); each reads the table.
with p as not materialized (
    select * from stg_participants
),

-- A participant_id that looks like a person's name. Words are runs of characters between
-- white space (including no-break spaces). It looks like a name when it has two or more words
-- and either every character is a letter, a combining mark, white space or the punctuation
-- names carry (. , ' ’ ‘ ʼ ʻ ` ( ) -), with letters on both sides of a space ("Aigerim Sadykova",
-- "JANAR  ZHUMABAEVA", "Әсел Қасымқызы"); or a word without digits holds two Cyrillic letters
-- in a row ("Жанар 1990"). An ID with a digit in every word ("id 17", "А100 Б200") or a single
-- word ("KZ-2023-0042", "А100") is not a name. The value is never echoed in the report.
name_like as materialized (
    select participant_id, _row
    from p
    where regexp_matches(participant_id, '[^\s\p{Z}][\s\p{Z}]+[^\s\p{Z}]')
        and (
            (
                regexp_full_match(participant_id, '[\p{L}\p{M}\s\p{Z}.,''’‘ʼʻ`()\-]+')
                and regexp_matches(participant_id, '(?s)\p{L}.*[\s\p{Z}].*\p{L}')
            )
            or regexp_matches(
                participant_id,
                '(^|[\s\p{Z}])[^\s\p{Z}\p{N}]*\p{Cyrillic}\p{Cyrillic}[^\s\p{Z}\p{N}]*([\s\p{Z}]|$)'
            )
        )
),

-- Latin and Cyrillic letters in one ID: the two alphabets share look-alikes (А and A). Only an
-- ID with a character beyond ASCII can hold Cyrillic; DuckDB's column statistics skip an
-- all-ASCII list at once.
mixed_script as (
    select participant_id
    from (
        select distinct participant_id from p
        where strlen(participant_id) <> length(participant_id)
    )
    where regexp_matches(participant_id, '\p{Latin}')
        and regexp_matches(participant_id, '\p{Cyrillic}')
        and participant_id not in (select participant_id from name_like)
),

-- IDs that read the same once each Cyrillic letter becomes its Latin look-alike (id_lookalike,
-- from normalize.install_lookalikes) are one person typed two ways, or two people who will be
-- mixed up: warned of, never merged silently.
skeletons as (
    select participant_id, skeleton
    from id_lookalike
    where participant_id not in (select participant_id from name_like)
),

spellings as (
    select participant_id, skeleton from skeletons
    union
    select participant_id, participant_id from all_people
    where participant_id in (select skeleton from skeletons)
        and participant_id not in (select participant_id from name_like)
),

-- The spellings of a skeleton written more than one way, each with its Cyrillic letters, as on
-- screen they look the same: "А100 (Cyrillic А)". Grouped first: most skeletons have one.
lookalike_spellings as (
    select
        participant_id,
        skeleton,
        participant_id || coalesce(' (Cyrillic ' || nullif(cyrillic, '') || ')', '') as label
    from (
        select *, regexp_replace(participant_id, '\P{Cyrillic}', '', 'g') as cyrillic
        from spellings
        where skeleton in (select skeleton from spellings group by skeleton having count(*) > 1)
    )
),

lookalikes as (
    select s.participant_id, string_agg(o.label, ', ' order by o.participant_id) as spellings
    from lookalike_spellings as s
    inner join lookalike_spellings as o using (skeleton)
    group by s.participant_id
),

errors as (
    select 'missing_value' as code, 'participant_id' as col, null as value, _row
    from p where participant_id is null
    union all
    select 'missing_value', 'event_id', null, _row from p where event_id is null
    union all
    select 'name_like_id', 'participant_id', null, _row from name_like
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
-- These warnings echo the participant_id, so IDs that look like names are left out (the load
-- is refused for them anyway).
repeated as (
    select participant_id, event_id, role
    from p
    where participant_id is not null and event_id is not null and role is not null
        and participant_id not in (select participant_id from name_like)
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
        and participant_id not in (select participant_id from name_like)
    group by participant_id
    having count(distinct gender) > 1
),

look_alike as (
    select 'mixed_script_id' as code, 'participant_id' as col, participant_id as value, _row
    from p
    where participant_id in (select participant_id from mixed_script)
    union all
    select 'lookalike_id', 'participant_id', l.spellings, p._row
    from p
    inner join lookalikes as l using (participant_id)
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
    union all select * from look_alike
    union all select * from duplicates
    union all select * from gender_conflicts
),

final as (
    select code, col, value, _row from all_issues
)

select * from final
