-- One row when the store's exact donor extract was made for the store as it is now: the
-- version it was made at (meta extract_version) is the store's version. A load without an
-- extract, or any change that did not remake it, leaves it behind.
with final as (
    select v.value as version
    from main.meta as v
    inner join main.meta as x on x.value = v.value
    where v.key = 'version' and x.key = 'extract_version'
)

select * from final
