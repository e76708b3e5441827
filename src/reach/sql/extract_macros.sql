-- Macros of the donor extract's rebuild; created as temp macros on the loading connection.
-- True when a donor cell may hold one of the events a merge changed (temp._extract_touched,
-- from extract_touched.sql): every dimension of the cell is "all" ('*', level -1) or that
-- event's, and a multi-program scope's cell holds that event's program. An incremental
-- rebuild works these cells out again, and only these. Call it with qualified columns
-- (k.program): a macro's arguments are substituted into its body, where a bare name could
-- bind to a column of the subquery.
create or replace temp macro changed_cell(
    cell_scope, cell_period, cell_program, cell_country, cell_type, cell_level
) as exists (
    select 1
    from temp._extract_touched as t
    where cell_period in ('*', t.ev_year, t.ev_quarter)
        and cell_program in ('*', t.ev_program)
        and cell_country in ('*', t.ev_country)
        and cell_type in ('*', t.ev_type)
        and (cell_level = -1 or cell_level = t.ev_level)
        and (
            cell_scope = '*'
            or exists (
                select 1
                from main.donor_scopes as s
                where s.scope_key = cell_scope and s.program = t.ev_program
            )
        )
);
