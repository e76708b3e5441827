-- Normalise raw_targets (all text): the period as its first and last day, the target as a
-- whole number, gender and country in the store's spellings; raw values kept for the report.
-- $indicators: the indicators a target may count; $age_bands: the age bands' labels.
with raw as (
    select
        rowid + 2 as _row,
        nullif(trim(program), '') as program,
        nullif(lower(trim(indicator)), '') as indicator_raw,
        nullif(upper(replace(trim(period), ' ', '')), '') as period_raw,
        nullif(replace(replace(trim(target), ' ', ''), chr(160), ''), '') as target_raw,
        nullif(trim(gender), '') as gender_raw,
        nullif(trim(age_band), '') as age_band_raw,
        nullif(trim(country_code), '') as country_raw
    from raw_targets
),

non_blank as (
    select * from raw
    where coalesce(
        program, indicator_raw, period_raw, target_raw, gender_raw, age_band_raw, country_raw
    ) is not null
),

-- YYYY, YYYY-Qn, or YYYY-MM..YYYY-MM (months inclusive).
periods as (
    select
        _row,
        case
            when regexp_full_match(period_raw, '[0-9]{4}')
                then make_date(period_raw::integer, 1, 1)
            when regexp_full_match(period_raw, '[0-9]{4}-Q[1-4]')
                then make_date(
                    left(period_raw, 4)::integer, 3 * right(period_raw, 1)::integer - 2, 1
                )
            when regexp_full_match(period_raw, '[0-9]{4}-[0-9]{2}\.\.[0-9]{4}-[0-9]{2}')
                then try_cast(left(period_raw, 7) || '-01' as date)
        end as period_start,
        case
            when regexp_full_match(period_raw, '[0-9]{4}')
                then make_date(period_raw::integer, 12, 31)
            when regexp_full_match(period_raw, '[0-9]{4}-Q[1-4]')
                then last_day(make_date(
                    left(period_raw, 4)::integer, 3 * right(period_raw, 1)::integer, 1
                ))
            when regexp_full_match(period_raw, '[0-9]{4}-[0-9]{2}\.\.[0-9]{4}-[0-9]{2}')
                then last_day(try_cast(right(period_raw, 7) || '-01' as date))
        end as period_end
    from non_blank
),

typed as (
    select
        r.*,
        case when list_contains($indicators, r.indicator_raw) then r.indicator_raw end
            as indicator,
        p.period_start,
        p.period_end,
        case
            when p.period_start is not null and p.period_start <= p.period_end
                then r.period_raw
        end as period,
        case
            when regexp_full_match(r.target_raw, '[+-]?[0-9]+')
                then try_cast(r.target_raw as bigint)
        end as target,
        g.gender,
        case
            when r.age_band_raw is null then null
            else list_filter(
                $age_bands, lambda b: lower(b) = lower(replace(r.age_band_raw, ' ', ''))
            )[1]
        end as age_band,
        c.country_code
    from non_blank as r
    left join periods as p on p._row = r._row
    left join gender_spelling as g on g.spelling = lower(r.gender_raw)
    left join known_countries as c on c.spelling = lower(r.country_raw)
),

final as (
    select * from typed
)

select * from final
