-- countries.csv as the contract writes it.
with final as (
    select country_code, name, region, population
    from countries
)

select * from final order by country_code
