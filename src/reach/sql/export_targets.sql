-- targets.csv as the contract writes it: a blank gender, age band or country is "any".
with final as (
    select
        program, indicator, period, target,
        nullif(gender, '') as gender,
        nullif(age_band, '') as age_band,
        nullif(country_code, '') as country_code
    from targets
    order by program, period_start, indicator, gender, age_band, country_code
)

select * from final
