-- Every problem in stg_targets, one row per problem and row (grouped by group_issues.sql).
with t as (
    select * from stg_targets
),

all_issues as (
    select 'missing_value' as code, 'program' as col, null as value, _row
    from t where program is null
    union all
    select 'missing_value', 'indicator', null, _row from t where indicator_raw is null
    union all
    select 'missing_value', 'period', null, _row from t where period_raw is null
    union all
    select 'missing_value', 'target', null, _row from t where target_raw is null
    union all
    select 'unknown_indicator', 'indicator', indicator_raw, _row
    from t where indicator_raw is not null and indicator is null
    union all
    select 'bad_period', 'period', period_raw, _row
    from t where period_raw is not null and period is null
    union all
    select 'not_whole_number', 'target', target_raw, _row
    from t where target_raw is not null and target is null
    union all
    select 'target_not_positive', 'target', target_raw, _row from t where target <= 0
    union all
    select 'unknown_target_gender', 'gender', gender_raw, _row
    from t
    where gender_raw is not null and coalesce(gender, 'undisclosed') = 'undisclosed'
    union all
    select 'unknown_age_band', 'age_band', age_band_raw, _row
    from t where age_band_raw is not null and age_band is null
    union all
    select 'split_not_people', 'indicator', indicator, _row
    from t
    where (gender is not null or age_band is not null)
        and indicator is not null and indicator <> 'people_reached'
    union all
    select 'unknown_country', 'country_code', country_raw, _row
    from t where country_raw is not null and country_code is null
    union all
    select 'duplicate_target', 'period', period, _row
    from t
    where program is not null and indicator is not null and period is not null
    qualify count(*) over (
        partition by program, indicator, period, gender, age_band, country_code
    ) > 1
    union all
    select 'unknown_target_program', 'program', program, _row
    from t
    where program is not null and program not in (select program from all_programs)
),

final as (
    select code, col, value, _row from all_issues
)

select * from final
