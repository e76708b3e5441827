-- targets.csv as the contract writes it: a blank gender, age band or country is "any".
with final as (
    select
        program, indicator, period, target,
        nullif(gender, '') as gender,
        nullif(age_band, '') as age_band,
        nullif(country_code, '') as country_code,
        period_start
    from targets
)

-- The period's start orders the rows; it is not a column of the file.
select * exclude (period_start) from final
order by program, period_start, indicator, gender, age_band, country_code
