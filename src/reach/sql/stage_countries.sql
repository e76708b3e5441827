-- Normalise raw_countries: a code may be ISO (any spelling) or a custom three-letter code.
with raw as (
    select
        rowid + 2 as _row,
        nullif(trim(country_code), '') as country_raw,
        nullif(trim(name), '') as name,
        nullif(trim(region), '') as region,
        nullif(trim(population), '') as population_raw
    from raw_countries
),

non_blank as (
    select * from raw
    where coalesce(country_raw, name, region, population_raw) is not null
),

typed as (
    select
        r.*,
        coalesce(
            s.country_code,
            case when regexp_full_match(r.country_raw, '[A-Za-z]{3}') then upper(r.country_raw) end
        ) as country_code,
        case
            when regexp_full_match(r.population_raw, '[+-]?[0-9]+')
                then try_cast(r.population_raw as bigint)
        end as population
    from non_blank as r
    left join country_spelling as s on s.spelling = lower(r.country_raw)
),

final as (
    select * from typed
)

select * from final
