-- Every attendance row, in any role, of the people a merge can change (temp._delta_people,
-- extract_people.sql), as the store holds them after it.
with final as (
    select p.*
    from main.participants as p
    semi join temp._delta_people as d using (participant_id)
)

select * from final
