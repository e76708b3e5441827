-- The loads behind the numbers, and their files: every load not undone since the last
-- replace that is not undone (a replace starts the store afresh). File names are left out:
-- only when, how, and each file's size and SHA-256, which identify the file and nobody in it.
with live as (
    select load_id, loaded_at, mode, files
    from loads
    where undone_at is null
),

fresh_start as (
    select coalesce(max(load_id), 0) as first_load
    from live
    where mode = 'replace'
),

behind as (
    select live.*
    from live, fresh_start
    where live.load_id >= fresh_start.first_load
),

parsed as (
    select
        load_id,
        coalesce(
            try(from_json(files, '[{"size": "BIGINT", "sha256": "VARCHAR"}]')),
            []::struct(size bigint, sha256 varchar)[]
        ) as list
    from behind
),

files as (
    -- Two unnests in one select walk the list together: each file with its place in it.
    select
        load_id,
        unnest(generate_series(1, len(list))) as position,
        unnest(list, recursive := true)
    from parsed
),

final as (
    select
        behind.load_id,
        behind.loaded_at,
        behind.mode,
        files.size,
        files.sha256
    from behind
    left join files using (load_id)
    order by behind.load_id, files.position
)

select * from final
