-- Open review pairs (temp table review_open: pair_id, a, b, score, evidence, with merged
-- people already resolved) with the evidence the store itself holds: events in common, how
-- many events each attended, and their organisations.
with pairs as (
    select * from review_open
),

involved as (
    select distinct p.participant_id, p.event_id, p.organization
    from participants as p
    where p.participant_id in (select a from pairs union select b from pairs)
),

per_person as (
    select
        participant_id,
        count(distinct event_id) as events,
        string_agg(distinct organization, ', ' order by organization) as organisations
    from involved
    group by participant_id
),

common as (
    select pairs.pair_id, count(distinct x.event_id) as events_in_common
    from pairs
    inner join involved as x on x.participant_id = pairs.a
    inner join involved as y on y.participant_id = pairs.b and y.event_id = x.event_id
    group by pairs.pair_id
),

final as (
    select
        pairs.pair_id,
        pairs.a,
        pairs.b,
        pairs.score,
        pairs.evidence,
        coalesce(common.events_in_common, 0) as events_in_common,
        coalesce(pa.events, 0) as events_a,
        coalesce(pb.events, 0) as events_b,
        pa.organisations as organisations_a,
        pb.organisations as organisations_b
    from pairs
    left join common on common.pair_id = pairs.pair_id
    left join per_person as pa on pa.participant_id = pairs.a
    left join per_person as pb on pb.participant_id = pairs.b
)

select * from final
order by score desc, pair_id
