-- Every problem in stg_countries, grouped by (problem, column, value) with its rows.
with c as (
    select * from stg_countries
),

all_issues as (
    select 'missing_value' as code, 'country_code' as col, null as value, _row
    from c where country_raw is null
    union all
    select 'bad_country_code', 'country_code', country_raw, _row
    from c where country_raw is not null and country_code is null
    union all
    select 'duplicate_country_code', 'country_code', country_code, _row
    from c
    where country_code is not null
    qualify count(*) over (partition by country_code) > 1
    union all
    select 'not_whole_number', 'population', population_raw, _row
    from c where population_raw is not null and population is null
    union all
    select 'negative_number', 'population', population_raw, _row
    from c where population < 0
),

final as (
    select
        code,
        col as "column",
        value,
        count(*) as n,
        list(_row order by _row)[1:20] as rows,
        min(_row) as first_row
    from all_issues
    group by code, col, value
    order by first_row, code
)

select * from final
