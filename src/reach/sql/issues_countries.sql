-- Every problem in stg_countries, one row per problem and row (grouped by group_issues.sql).
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
    select code, col, value, _row from all_issues
)

select * from final
