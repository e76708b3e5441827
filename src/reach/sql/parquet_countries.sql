-- Countries supplied in countries.csv (names, regions and populations that override the
-- library reference).
with stored as (
    select * from countries
),

final as (
    select * from stored order by country_code
)

select * from final
