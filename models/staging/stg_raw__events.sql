{#-
    A table, unlike the other staging models: events are the one raw table of tens of millions of
    rows, and its de-duplication (a window over every event_id) would otherwise run again for each
    data test and for int_events_validated (docs/benchmarks.md).
-#}
{{ config(materialized='table') }}

with

source as (
    select * from {{ source('raw', 'events') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('lead_id') }} as lead_id,
        ---------- text
        {{ clean_text('event_type', 'lower') }} as event_type,
        {{ clean_text('url') }} as url,
        {{ clean_text('campaign') }} as campaign,
        ---------- timestamps
        {{ clean_timestamp('occurred_at', source('raw', 'events')) }} as occurred_at,
        ---------- data quality
        {{ raw_timestamp_issue('occurred_at', source('raw', 'events')) }} as timestamp_issue
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            order by
                occurred_at asc nulls last, lead_id asc nulls last, event_type asc nulls last,
                url asc nulls last, campaign asc nulls last
        ) as key_rank
    from renamed
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        url,
        campaign,
        occurred_at,
        case
            when event_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            else timestamp_issue
        end as dq_issue
    from ranked
)

select * from final
