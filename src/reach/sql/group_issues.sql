-- Identical problems (same code, column and value) grouped, with their first rows.
-- Needs: issue_rows (code, col, value, _row) from one of the issues_*.sql queries.
with grouped as (
    select
        code,
        col as "column",
        value,
        count(*) as n,
        list(_row order by _row)[1:20] as rows,
        min(_row) as first_row
    from issue_rows
    group by code, col, value
),

final as (
    select * from grouped
    order by first_row, code
)

select * from final
